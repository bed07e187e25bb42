/**
 * Evaluators turn an architecture index into named objectives. Kinds: a closed table (objective columns
 * resolved from sources such as `nb201:cifar100` or `table:acc.csv#top1`), a per-architecture latency
 * source computed on demand (`model:<device>` through the device model, `ort` measured on this host), and
 * the evaluator command (command.ts), a user program run per evaluation.
 */
import { fail } from '../errors.js';
import { type Direction, toMinimised } from '../objectives/direction.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import type { SearchSpace } from '../space/types.js';
import type { EvalResult, Evaluator, ObjectiveSpec, OnProgress } from './types.js';

export {
  CommandEvaluator,
  type CommandEvaluatorOptions,
  checkProgram,
  type EvaluatorRequest,
  PROTOCOL,
  parseReply,
} from './command.js';
export type { EvalJob, EvalResult, Evaluator, ObjectiveSpec, OnProgress } from './types.js';

/** An evaluator of objective sources (not a user program): it can tell which of its sources a failure came from. */
export interface SourceEvaluator extends Evaluator {
  failedSource(reason: string): string | undefined;
}

/** Closed table: every objective is a column aligned with the space index; NaN = no value (a failure). */
export class ColumnsEvaluator implements SourceEvaluator {
  readonly title: string;
  constructor(readonly columns: readonly ObjectiveColumn[]) {
    if (columns.length === 0) fail('a table evaluator needs at least one objective column');
    const names = new Set(columns.map((c) => c.name));
    if (names.size !== columns.length)
      fail(`objective names must differ, got ${columns.map((c) => c.name).join(', ')}`);
    this.title = `table: ${columns.map((c) => c.source).join(', ')}`;
  }

  /** Objective names and directions, in column order. */
  specs(): ObjectiveSpec[] {
    return this.columns.map((c) => ({ name: c.name, direction: c.direction }));
  }

  evaluate(arch: number): Promise<EvalResult> {
    return Promise.resolve(this.lookup(arch));
  }

  /** The source spec a failure reason of this evaluator names, else undefined (see lookup). */
  failedSource(reason: string): string | undefined {
    return this.columns.find((c) => reason.includes(`'${c.source}'`))?.source;
  }

  lookup(arch: number): EvalResult {
    const objectives: Record<string, number> = {};
    for (const c of this.columns) {
      const v = c.values[arch];
      if (v === undefined) return { ok: false, reason: `architecture ${arch} is outside '${c.source}'` };
      if (!Number.isFinite(v)) return { ok: false, reason: `'${c.source}' has no value for architecture ${arch}` };
      objectives[c.name] = v;
    }
    return { ok: true, objectives };
  }
}

/** A latency computed per architecture on demand: an open space needs no table of every network. */
export class GraphLatencyEvaluator implements SourceEvaluator {
  constructor(
    readonly title: string,
    private readonly space: SearchSpace,
    private readonly name: string,
    private readonly latencyMs: (space: SearchSpace, arch: number) => Promise<number>,
  ) {}

  /** The source (its title) when a failure reason is one of this evaluator's, else undefined. */
  failedSource(reason: string): string | undefined {
    return reason.startsWith(`${this.title} failed: `) || reason.startsWith(`${this.title} gave `)
      ? this.title
      : undefined;
  }

  async evaluate(arch: number, signal: AbortSignal): Promise<EvalResult> {
    if (signal.aborted) return { ok: false, reason: 'aborted' };
    try {
      const v = await this.latencyMs(this.space, arch);
      if (!Number.isFinite(v)) return { ok: false, reason: `${this.title} gave ${v} for architecture ${arch}` };
      return { ok: true, objectives: { [this.name]: v } };
    } catch (e) {
      return { ok: false, reason: `${this.title} failed: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
}

/** `model:<device>`: the analytical device model on the architecture's network. */
export async function modelLatencyEvaluator(
  space: SearchSpace,
  device: string,
  name = 'latency',
): Promise<SourceEvaluator> {
  const hw = await import('../hardware/index.js');
  const d = hw.getDevice(device);
  return new GraphLatencyEvaluator(`model:${device}`, space, name, (s, a) =>
    Promise.resolve(hw.predictGraph(s.network(a), d)),
  );
}

/** `ort`: median latency measured with ONNX Runtime on this host. */
export async function ortLatencyEvaluator(space: SearchSpace, name = 'latency'): Promise<SourceEvaluator> {
  const ort = await import('../hardware/ort/index.js');
  return new GraphLatencyEvaluator('ort', space, name, async (s, a) => (await ort.measureGraph(s.network(a))).medianMs);
}

/**
 * Several evaluators, their objectives merged (e.g. a training command for accuracy + a device model).
 * With a progress listener, the parts whose objectives do not change with fidelity (device model,
 * tables) are evaluated once, first, and their objectives are merged into every progress report of the
 * progressive part (the command): a rung then ranks complete objective vectors.
 */
export class CombinedEvaluator implements Evaluator {
  readonly title: string;
  readonly progressive: boolean;
  constructor(private readonly parts: readonly Evaluator[]) {
    this.title = parts.map((p) => p.title).join(' + ');
    this.progressive = parts.some((p) => p.progressive === true);
  }

  async evaluate(
    arch: number,
    signal: AbortSignal,
    job?: Parameters<Evaluator['evaluate']>[2],
    onProgress?: OnProgress,
  ): Promise<EvalResult> {
    if (onProgress !== undefined && this.progressive) return this.evaluateWithProgress(arch, signal, job, onProgress);
    const results = await Promise.all(this.parts.map((p) => p.evaluate(arch, signal, job)));
    return merge(results);
  }

  private async evaluateWithProgress(
    arch: number,
    signal: AbortSignal,
    job: Parameters<Evaluator['evaluate']>[2],
    onProgress: OnProgress,
  ): Promise<EvalResult> {
    const fixed = await Promise.all(this.parts.filter((p) => !p.progressive).map((p) => p.evaluate(arch, signal, job)));
    const once = merge(fixed);
    if (!once.ok) return once;
    const progressive = this.parts.filter((p) => p.progressive);
    const results = await Promise.all(
      progressive.map((p) =>
        p.evaluate(arch, signal, job, (r) =>
          onProgress({ fidelity: r.fidelity, objectives: { ...r.objectives, ...once.objectives } }),
        ),
      ),
    );
    const r = merge([...results, once]);
    const first = results[0];
    return r.ok && first?.ok
      ? {
          ...r,
          ...(first.fidelity !== undefined ? { fidelity: first.fidelity } : {}),
          ...(first.stopped ? { stopped: true } : {}),
        }
      : r;
  }
}

function merge(results: readonly EvalResult[]): EvalResult {
  const objectives: Record<string, number> = {};
  for (const r of results) {
    if (!r.ok) return r;
    Object.assign(objectives, r.objectives);
  }
  return { ok: true, objectives };
}

/**
 * Parse `accuracy:max,latency:min` into objective specs (a bare name is minimised).
 */
export function parseObjectiveSpecs(text: string): ObjectiveSpec[] {
  const specs = text.split(',').map((part) => {
    const [name, dir = 'min', extra] = part.trim().split(':');
    if (!name || extra !== undefined || !/^[A-Za-z_][\w.-]*$/.test(name) || (dir !== 'min' && dir !== 'max')) {
      fail(
        `bad objective '${part.trim()}' in '${text}'`,
        'use name:max or name:min, comma-separated, e.g. accuracy:max,latency:min',
      );
    }
    return { name, direction: dir as Direction };
  });
  if (new Set(specs.map((s) => s.name)).size !== specs.length) fail(`objective names repeat in '${text}'`);
  return specs;
}

/**
 * Write the minimised objective vector of a result into `out` (maximised objectives negated). Returns a
 * failure reason when an objective is missing or not finite, else undefined.
 */
export function objectiveVector(
  objectives: Record<string, number>,
  specs: readonly ObjectiveSpec[],
  out: Float64Array,
): string | undefined {
  for (let k = 0; k < specs.length; k++) {
    const s = specs[k]!;
    const v = objectives[s.name];
    if (typeof v !== 'number') return `reply has no objective '${s.name}'`;
    if (!Number.isFinite(v)) return `objective '${s.name}' is ${v}`;
    out[k] = toMinimised(v, s.direction);
  }
  return undefined;
}
