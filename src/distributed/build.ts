/**
 * Evaluators from command-line flags, shared by `hwnas open-search` (in-process evaluation) and
 * `hwnas worker`: an evaluator command, objective sources, or both (their objectives merged).
 */
import { fail } from '../errors.js';
import { resolveSource } from '../objectives/all.js';
import type { SearchSpace } from '../space/types.js';
import { CommandEvaluator, checkProgram } from './command.js';
import { ColumnsEvaluator, CombinedEvaluator, modelLatencyEvaluator, ortLatencyEvaluator } from './evaluator.js';
import { shellWords } from './shell-words.js';
import type { Evaluator, ObjectiveSpec } from './types.js';

export interface EvaluatorFlags {
  /** Command line of the evaluator program (split into argv without a shell). */
  evaluator?: string;
  /** Objective sources: `nb201:cifar100`, `table:f.csv#col`, `model:<device>`, `ort`, ... */
  objective?: string[];
  /** Seconds before the program is killed. */
  timeout?: string;
  /** false with --no-onnx. */
  onnx?: boolean;
}

export interface BuiltEvaluator {
  evaluator: Evaluator;
  /** Objectives the sources define (the command's come from --objectives). */
  sourceSpecs: ObjectiveSpec[];
}

/** Validate the command (program exists) before any work starts. */
export function parseEvaluatorCommand(text: string): string[] {
  const argv = shellWords(text);
  if (argv.length === 0)
    fail('--evaluator is empty', 'give the program and its arguments, e.g. --evaluator "python3 train.py --epochs 12"');
  checkProgram(argv[0]!);
  return argv;
}

export async function buildEvaluator(space: SearchSpace, f: EvaluatorFlags): Promise<BuiltEvaluator> {
  const parts: Evaluator[] = [];
  const sourceSpecs: ObjectiveSpec[] = [];
  if (f.evaluator !== undefined) {
    const argv = parseEvaluatorCommand(f.evaluator);
    const timeoutS = f.timeout === undefined ? 3600 : Number(f.timeout);
    if (!(timeoutS > 0 && Number.isFinite(timeoutS)))
      fail(`--timeout must be a positive number of seconds, got '${f.timeout}'`);
    parts.push(new CommandEvaluator({ argv, space, timeoutMs: Math.round(timeoutS * 1000), onnx: f.onnx !== false }));
  }
  const columns = [];
  for (const spec of f.objective ?? []) {
    if (spec.startsWith('model:')) {
      parts.push(await modelLatencyEvaluator(space, spec.slice('model:'.length)));
      sourceSpecs.push({ name: 'latency', direction: 'min' });
    } else if (spec === 'ort' || spec.startsWith('ort:')) {
      parts.push(await ortLatencyEvaluator(space));
      sourceSpecs.push({ name: 'latency', direction: 'min' });
    } else {
      const col = await resolveSource(spec, { space, quiet: true, allowMissing: true });
      columns.push(col);
      sourceSpecs.push({ name: col.name, direction: col.direction });
    }
  }
  if (columns.length > 0) parts.push(new ColumnsEvaluator(columns));
  const names = sourceSpecs.map((s) => s.name);
  if (new Set(names).size !== names.length) {
    fail(
      `two objective sources give the same objective name (${names.join(', ')})`,
      'use one accuracy and one latency source',
    );
  }
  if (parts.length === 0) {
    fail('no evaluator', 'give --evaluator "program args" (see docs/distributed.md) and/or --objective <source>');
  }
  return { evaluator: parts.length === 1 ? parts[0]! : new CombinedEvaluator(parts), sourceSpecs };
}
