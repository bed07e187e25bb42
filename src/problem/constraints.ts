/**
 * Hard constraints on the architectures of a closed space (`--constraint`): an architecture that breaks
 * one cannot be deployed at all, whatever its accuracy or latency, so searches skip it (it costs no
 * evaluation) and the true front, normalisation and pruning audit only see feasible architectures.
 *
 * Forms (see docs/constraints.md): `params<=N`, `macs<=N`, `flops<=N` (N with optional k/M/G = 1e3/1e6/1e9),
 * `weights<=BYTES` and `peak<=BYTES` (optional k/M/G = KiB/MiB/GiB, and a precision `@int8|@fp16|@fp32`,
 * default int8), `latency<=MS` (the latency source of the run; in a study, each device's), and
 * `fits:<device>[@options]` (weights within the device's flash and peak activations within its SRAM at its
 * precision, as `memoryReport` of src/hardware/memory.ts says).
 *
 * Masks are computed for every architecture at once: params/MACs/flops by per-block caching
 * (`spaceCounts`), peak activations by per-segment caching where the space's blocks run one after the other
 * (see space/peak.ts), else from every network's graph.
 */
import { fail } from '../errors.js';
import { getDevice } from '../hardware/index.js';
import { spaceCounts } from '../space/counts.js';
import { spacePeakActivations } from '../space/peak.js';
import type { SearchSpace } from '../space/types.js';

export type ConstraintMetric = 'params' | 'macs' | 'flops' | 'weights' | 'peak' | 'latency' | 'fits';

export interface Constraint {
  /** Canonical text: the same constraint always prints the same (config hashes use it). */
  text: string;
  metric: ConstraintMetric;
  /** Upper bound (inclusive): a count, bytes or ms; NaN for `fits`. */
  max: number;
  /** `weights`/`peak`: bytes per value of the precision suffix. */
  bytesPerValue?: number;
  /** `fits`: the canonical device spec (getDevice's). */
  device?: string;
  /** `fits`: flash and SRAM of the device in bytes (null = no limit). */
  flashBytes?: number | null;
  sramBytes?: number | null;
}

const FORMS =
  'use params<=N, macs<=N, flops<=N, weights<=BYTES[@int8|@fp16|@fp32], peak<=BYTES[@...], latency<=MS or fits:<device>, e.g. params<=1M, peak<=256k, fits:cortex-m7';

const DTYPES: Record<string, number> = { int8: 1, fp16: 2, fp32: 4 };
const COUNT_UNITS: Record<string, number> = { '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9 };
const BYTE_UNITS: Record<string, number> = {
  '': 1,
  B: 1,
  k: 1024,
  K: 1024,
  KiB: 1024,
  M: 1024 ** 2,
  MiB: 1024 ** 2,
  G: 1024 ** 3,
  GiB: 1024 ** 3,
};

function bad(text: string, why: string): never {
  return fail(`bad --constraint '${text}': ${why}`, FORMS);
}

/** `1.5M` -> 1500000 with the given unit table; NaN when not a non-negative number with a known unit. */
function parseAmount(s: string, units: Record<string, number>): number {
  const m = /^([0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+)([A-Za-z]*)$/.exec(s.trim());
  if (!m) return Number.NaN;
  const unit = units[m[2]!];
  if (unit === undefined) return Number.NaN;
  const v = Number(m[1]) * unit;
  return Number.isFinite(v) ? v : Number.NaN;
}

/** `sram=512k` -> `sram=512` (getDevice takes KiB); other device options pass through. */
function deviceOptionsToKiB(spec: string, text: string): string {
  const at = spec.indexOf('@');
  if (at < 0) return spec;
  const opts = spec
    .slice(at + 1)
    .split(',')
    .map((o) => {
      const eq = o.indexOf('=');
      const key = o.slice(0, eq);
      if (eq < 0 || (key !== 'sram' && key !== 'flash')) return o;
      const raw = o.slice(eq + 1);
      // a plain number is KiB (as in device specs elsewhere); a unit makes it bytes
      const bytes = /^[0-9.]+$/.test(raw) ? Number(raw) * 1024 : parseAmount(raw, BYTE_UNITS);
      if (!(bytes > 0)) bad(text, `device option ${key} must be a positive size (KiB, or with k/M), got '${raw}'`);
      return `${key}=${Number((bytes / 1024).toFixed(6))}`;
    });
  return `${spec.slice(0, at)}@${opts.join(',')}`;
}

export function parseConstraint(input: string): Constraint {
  const text = input.trim();
  if (text.startsWith('fits:')) {
    const spec = text.slice(5).trim();
    if (spec === '') bad(input, 'fits: needs a device, e.g. fits:cortex-m7');
    const device = getDevice(deviceOptionsToKiB(spec, input));
    if (device.flashBytes === undefined && device.sramBytes === undefined) {
      bad(input, `device ${device.id} has no flash or SRAM limit, so every architecture fits`);
    }
    return {
      text: `fits:${device.spec}`,
      metric: 'fits',
      max: Number.NaN,
      device: device.spec,
      bytesPerValue: device.bytesPerValue,
      flashBytes: device.flashBytes ?? null,
      sramBytes: device.sramBytes ?? null,
    };
  }
  const m = /^([a-z]+)\s*(<=|<|>=|>|=)\s*(.*)$/.exec(text);
  if (!m) bad(input, 'expected <metric><=<bound> or fits:<device>');
  const [, metric, op, rest] = m;
  if (op !== '<=') bad(input, `only upper bounds (<=) are supported, got '${op}'`);
  switch (metric) {
    case 'params':
    case 'macs':
    case 'flops': {
      const max = parseAmount(rest!, COUNT_UNITS);
      if (Number.isNaN(max)) bad(input, `bound '${rest}' is not a count (a number, optionally with k, M or G)`);
      return { text: `${metric}<=${max}`, metric, max };
    }
    case 'weights':
    case 'peak': {
      const at = rest!.lastIndexOf('@');
      const amount = at < 0 ? rest! : rest!.slice(0, at);
      const dtype = at < 0 ? 'int8' : rest!.slice(at + 1).trim();
      const bytesPerValue = DTYPES[dtype];
      if (bytesPerValue === undefined) bad(input, `unknown precision '@${dtype}' (use @int8, @fp16 or @fp32)`);
      const max = parseAmount(amount, BYTE_UNITS);
      if (Number.isNaN(max))
        bad(input, `bound '${amount}' is not a size in bytes (a number, optionally with k, M or G)`);
      return { text: `${metric}<=${max}@${dtype}`, metric, max, bytesPerValue };
    }
    case 'latency': {
      const s = rest!.trim().replace(/ms$/, '');
      const max = parseAmount(s, { '': 1 });
      if (Number.isNaN(max)) bad(input, `bound '${rest}' is not a latency in ms`);
      return { text: `latency<=${max}`, metric: 'latency', max };
    }
    default:
      return bad(input, `unknown metric '${metric}'`);
  }
}

/** Parse, canonicalise and de-duplicate (same canonical text once, first occurrence kept). */
export function parseConstraints(texts: readonly string[]): Constraint[] {
  const out: Constraint[] = [];
  const seen = new Set<string>();
  for (const t of texts) {
    const c = parseConstraint(t);
    if (seen.has(c.text)) continue;
    seen.add(c.text);
    out.push(c);
  }
  return out;
}

/** Whether any constraint needs a latency column (in a study: one mask per device). */
export function needsLatency(cs: readonly Constraint[]): boolean {
  return cs.some((c) => c.metric === 'latency');
}

export interface ConstraintCount {
  constraint: string;
  /** Architectures that satisfy this constraint alone. */
  feasible: number;
  /** Milliseconds to evaluate it over the space (measures shared between constraints count once). */
  ms: number;
}

export interface FeasibleMask {
  /** 1 = satisfies every constraint (and, where a latency column is given, has a latency). */
  mask: Uint8Array;
  feasible: number;
  perConstraint: ConstraintCount[];
}

/** Per-space measures, computed once per space object (masks for several devices share them). */
const measures = new WeakMap<SearchSpace, { counts?: ReturnType<typeof spaceCounts>; peak?: Float64Array }>();

function cached(space: SearchSpace) {
  let m = measures.get(space);
  if (!m) {
    m = {};
    measures.set(space, m);
  }
  return m;
}

export function architectureCounts(space: SearchSpace): ReturnType<typeof spaceCounts> {
  const m = cached(space);
  m.counts ??= spaceCounts(space);
  return m.counts;
}

/** Peak live activation values (bytes at 1 byte per value) of every architecture. */
export function architecturePeaks(space: SearchSpace): Float64Array {
  const m = cached(space);
  m.peak ??= spacePeakActivations(space).values;
  return m.peak;
}

/**
 * Feasibility of every architecture of `space` under `constraints` (AND). `latency` is the latency column
 * `latency<=` refers to (required when such a constraint is present).
 */
export function feasibleMask(
  space: SearchSpace,
  constraints: readonly Constraint[],
  opts: { latency?: Float64Array } = {},
): FeasibleMask {
  const n = space.size;
  const mask = new Uint8Array(n).fill(1);
  const perConstraint: ConstraintCount[] = [];
  for (const c of constraints) {
    const t0 = performance.now();
    const ok = constraintMask(space, c, opts.latency);
    let count = 0;
    for (let i = 0; i < n; i++) {
      count += ok[i]!;
      mask[i]! &= ok[i]!;
    }
    perConstraint.push({ constraint: c.text, feasible: count, ms: performance.now() - t0 });
  }
  let feasible = 0;
  for (let i = 0; i < n; i++) feasible += mask[i]!;
  return { mask, feasible, perConstraint };
}

function constraintMask(space: SearchSpace, c: Constraint, latency: Float64Array | undefined): Uint8Array {
  const n = space.size;
  const ok = new Uint8Array(n);
  const upTo = (values: Float64Array, scale: number, max: number) => {
    for (let i = 0; i < n; i++) ok[i] = values[i]! * scale <= max ? 1 : 0;
  };
  switch (c.metric) {
    case 'params':
    case 'macs':
    case 'flops':
      upTo(architectureCounts(space)[c.metric], 1, c.max);
      break;
    case 'weights':
      upTo(architectureCounts(space).params, c.bytesPerValue!, c.max);
      break;
    case 'peak':
      upTo(architecturePeaks(space), c.bytesPerValue!, c.max);
      break;
    case 'latency':
      if (!latency) fail(`constraint '${c.text}' needs a latency source`, 'pass --latency (or --devices in a study)');
      if (latency.length !== n) fail(`latency column has ${latency.length} values for ${n} architectures`);
      upTo(latency, 1, c.max); // NaN (missing) compares false: not feasible
      break;
    case 'fits': {
      const bpv = c.bytesPerValue!;
      const flash = c.flashBytes ?? Number.POSITIVE_INFINITY;
      const sram = c.sramBytes ?? Number.POSITIVE_INFINITY;
      const params = architectureCounts(space).params;
      const peak = c.sramBytes === null ? null : architecturePeaks(space);
      for (let i = 0; i < n; i++)
        ok[i] = params[i]! * bpv <= flash && (peak === null || peak[i]! * bpv <= sram) ? 1 : 0;
      break;
    }
  }
  return ok;
}

/** 1 where every column has a finite value (a table with `--allow-missing` covers only part of a space). */
export function coveredMask(n: number, columns: readonly Float64Array[]): Uint8Array {
  const mask = new Uint8Array(n).fill(1);
  for (const col of columns) for (let i = 0; i < n; i++) if (!Number.isFinite(col[i]!)) mask[i] = 0;
  return mask;
}

/** Count of ones in a mask. */
export function countMask(mask: Uint8Array): number {
  let k = 0;
  for (let i = 0; i < mask.length; i++) k += mask[i]!;
  return k;
}
