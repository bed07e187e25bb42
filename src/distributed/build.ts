/**
 * Evaluators from command-line flags, shared by `hwnas open-search` (in-process evaluation) and
 * `hwnas worker`: an evaluator command, objective sources, or both (their objectives merged).
 */
import { fail } from '../errors.js';
import { resolveSource } from '../objectives/all.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import type { SearchSpace } from '../space/types.js';
import { CommandEvaluator, checkProgram } from './command.js';
import {
  ColumnsEvaluator,
  CombinedEvaluator,
  modelLatencyEvaluator,
  ortLatencyEvaluator,
  type SourceEvaluator,
} from './evaluator.js';
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
  /** false with --no-torch. */
  torch?: boolean;
}

export interface BuiltEvaluator {
  evaluator: Evaluator;
  /** Objectives the sources define (the command's come from --objectives). */
  sourceSpecs: ObjectiveSpec[];
  /** The sources resolved as whole columns (nb201:, table:, fit:, ...): their coverage is known up front. */
  columns: ObjectiveColumn[];
  /** The objective source a failure reason came from; undefined for the evaluator command's failures. */
  failedSource(reason: string): string | undefined;
  /**
   * The hint of an error-budget stop whose last failure is `reason`: about the objective source when the
   * failure is a source's (always when there is no evaluator command), else undefined (the command's).
   */
  stopHint(reason: string): string | undefined;
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
  const sources: SourceEvaluator[] = [];
  const sourceSpecs: ObjectiveSpec[] = [];
  if (f.evaluator !== undefined) {
    const argv = parseEvaluatorCommand(f.evaluator);
    const timeoutS = f.timeout === undefined ? 3600 : Number(f.timeout);
    if (!(timeoutS > 0 && Number.isFinite(timeoutS)))
      fail(`--timeout must be a positive number of seconds, got '${f.timeout}'`);
    parts.push(
      new CommandEvaluator({
        argv,
        space,
        timeoutMs: Math.round(timeoutS * 1000),
        onnx: f.onnx !== false,
        torch: f.torch !== false,
      }),
    );
  }
  const columns: ObjectiveColumn[] = [];
  for (const spec of f.objective ?? []) {
    if (spec.startsWith('model:')) {
      sources.push(await modelLatencyEvaluator(space, spec.slice('model:'.length)));
      sourceSpecs.push({ name: 'latency', direction: 'min' });
    } else if (spec === 'ort' || spec.startsWith('ort:')) {
      sources.push(await ortLatencyEvaluator(space));
      sourceSpecs.push({ name: 'latency', direction: 'min' });
    } else {
      const col = await resolveSource(spec, { space, quiet: true, allowMissing: true });
      columns.push(col);
      sourceSpecs.push({ name: col.name, direction: col.direction });
    }
  }
  if (columns.length > 0) sources.push(new ColumnsEvaluator(columns));
  parts.push(...sources);
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
  const failedSource = (reason: string): string | undefined => {
    for (const s of sources) {
      const source = s.failedSource(reason);
      if (source !== undefined) return source;
    }
    return undefined;
  };
  const hasCommand = f.evaluator !== undefined;
  return {
    evaluator: parts.length === 1 ? parts[0]! : new CombinedEvaluator(parts),
    sourceSpecs,
    columns,
    failedSource,
    stopHint: (reason) => {
      const source = failedSource(reason) ?? (hasCommand ? undefined : (f.objective ?? []).join(', '));
      return source === undefined
        ? undefined
        : `the failures come from the objective source '${source}', not an evaluator command: fix or replace that source (the reason says why it failed), then rerun the same command to resume`;
    },
  };
}

/**
 * The architectures every whole-column source covers (finite values), checked before a search starts: an
 * open search may ask for any architecture, so a source that covers only part of the space is refused
 * (each miss would be a failed evaluation, and the error budget would stop the search). With
 * `allowMissing` the search runs on the covered ones instead: returns the mask (1 = covered), or
 * undefined when every source covers the whole space. `worker`: the hint for `hwnas worker`, which has no
 * --allow-missing (its coordinator decides what to ask).
 */
export function sourceCoverage(
  space: SearchSpace,
  columns: readonly ObjectiveColumn[],
  opts: { allowMissing?: boolean; worker?: boolean } = {},
): Uint8Array | undefined {
  let covered: Uint8Array | undefined;
  for (const col of columns) {
    let n = 0;
    for (let i = 0; i < space.size; i++) if (Number.isFinite(col.values[i]!)) n++;
    if (n === space.size) continue;
    if (!opts.allowMissing) {
      fail(
        `objective source '${col.source}' covers ${n} of the ${space.size} architectures of ${space.id}`,
        opts.worker
          ? `the coordinator may ask for any of them: measure the rest${fitHint(col)}`
          : `an open search may ask for any of them: measure the rest${fitHint(col)}, or pass --allow-missing to search only the covered ones (the others cost no evaluation)`,
      );
    }
    covered ??= new Uint8Array(space.size).fill(1);
    for (let i = 0; i < space.size; i++) if (!Number.isFinite(col.values[i]!)) covered[i] = 0;
  }
  if (covered !== undefined && !covered.includes(1)) {
    fail(
      `the objective sources (${columns.map((c) => c.source).join(', ')}) have no architecture of ${space.id} in common`,
      'give sources that cover the same architectures',
    );
  }
  return covered;
}

/** For a minimised (latency-like) source: `fit:` predicts every architecture from the measured ones. */
function fitHint(col: ObjectiveColumn): string {
  if (col.direction !== 'min') return '';
  const m = /^table:(.+#.+?)(?::min)?$/.exec(col.source);
  return `, use ${m ? `fit:${m[1]}` : 'fit:<file>#<column>'} (a latency predictor for every architecture)`;
}
