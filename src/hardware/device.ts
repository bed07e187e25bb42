/**
 * Device models as data: one JSON file per device in `devices/` (package root), holding the runtime's
 * fusion rules, memory sizes, the cost constants of every variant (thread count, precision), the ratios of
 * precisions selectable beside the variants (CPU int8), and the published figures they were calibrated
 * against, each with its source. Files are validated on load:
 * a missing or negative constant is one clear error line.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fail } from '../errors.js';
import { jsonText } from '../io/json-text.js';

/** Cost constants, in cycles of the device clock, in the order of the kernel feature vector. */
export const CONSTANT_NAMES = [
  'convCyclesPerMac',
  'pointwiseCyclesPerMac',
  'depthwiseCyclesPerMac',
  'linearCyclesPerMac',
  'poolCyclesPerElement',
  'elementwiseCyclesPerElement',
  'fastCyclesPerByte',
  'slowCyclesPerByte',
  'cyclesPerKernel',
] as const;
export type ConstantName = (typeof CONSTANT_NAMES)[number];
export type Constants = Record<ConstantName, number>;

/** Fusion behaviour of the device's runtime (which IR nodes end up in one kernel). */
export interface FusionRules {
  /** conv/linear absorbs a following BatchNorm and ReLU/ReLU6/h-swish (all runtimes here). */
  convBnAct: boolean;
  /** A residual add (and its activation) joins the conv that produces one of its inputs (GPU delegate). */
  convAdd: boolean;
  /** Element-wise add/mul absorbs a following activation (TFLite fused activation). */
  elementwiseAct: boolean;
  /** Any single-consumer element-wise op joins the kernel before it (GPU delegate "linkable" ops). */
  linkElementwise: boolean;
  /**
   * The converter prunes the graph (TFLite converter / grappler): ops whose result cannot reach the network
   * output are removed, and a network whose output does not depend on its input is folded to a constant.
   * Optional, default false (eager runtimes run every op).
   */
  deadCode?: boolean;
}

export interface Figure {
  /** Zoo network name (src/ir/zoo.ts). */
  network: string;
  /** Published latency, ms. */
  ms: number;
  /** Clock of the measurement when it differs from the device default (MHz). */
  clockMHz?: number;
  /** Fast memory (SRAM) of the measured board when it differs (KiB). */
  fastKiB?: number;
  /** Reported only, not used for fitting (e.g. a second, disagreeing measurement setup). */
  check?: boolean;
  source: string;
}

export interface Calibration {
  /** Figures used, mean absolute relative error of the fit (%). */
  meanAbsErrorPct: number;
  /** Same, each figure predicted by a fit without it (%); absent for a single figure. */
  looMeanAbsErrorPct?: number;
  /** Strength of the pull towards the prior constants. */
  priorWeight: number;
  figures: number;
}

export interface Variant {
  /** Bytes per value when the variant changes precision (fp16 vs fp32). */
  bytesPerValue?: number;
  /** Why these prior constants (datasheet numbers they come from). */
  priorNote: string;
  prior: Constants;
  constants: Constants;
  figures: Figure[];
  /** No figures of its own: constants = fitted constants of variant `from` x (prior / prior of `from`). */
  derive?: { from: string };
  calibration?: Calibration;
}

/**
 * A precision selectable beside the variant option (`threads=4,precision=int8`): every variant's constants
 * times per-constant ratios. `prior` holds the ratios the runtime's kernel structure gives; `ratios` the
 * ones fitted to the figures (variant `figures[i].variant`, this precision), or the prior where none.
 */
export interface Precision {
  bytesPerValue: number;
  priorNote: string;
  prior: Constants;
  ratios: Constants;
  figures: (Figure & { variant: string })[];
  calibration?: Calibration;
}

/** The precisions of a device whose variant option is not precision; `default` is the variants' own. */
export interface PrecisionSet {
  default: string;
  values: Record<string, Precision>;
}

/** The device option that selects a precision of a `precisions` set. */
export const PRECISION_OPTION = 'precision';

export interface DeviceFile {
  id: string;
  title: string;
  runtime: string;
  /** Bytes per activation value and per weight. */
  bytesPerValue: number;
  clockMHz: number;
  /** Fast memory per kernel working set: cache (CPU, GPU) or SRAM (MCU), KiB. */
  fastKiB: number;
  /** MCU: weights are read from flash (slow memory), never cached. */
  weightsInSlowMemory: boolean;
  flashKiB?: number;
  sramKiB?: number;
  /** Output channels / input channels are processed in groups of this many (SIMD, GEMM tiles, texels). */
  vector: { cout: number; cin: number };
  fusion: FusionRules;
  /** Name of the option that selects a variant (`threads`, `precision`). */
  variantOption: string;
  defaultVariant: string;
  variants: Record<string, Variant>;
  /** Precisions orthogonal to the variants (CPUs: threads x precision). */
  precisions?: PrecisionSet;
  sources: string[];
}

/** A device with its options applied: what the cost model reads. */
export interface Device {
  id: string;
  /** Spec with options, e.g. `cortex-a76@threads=4`. */
  spec: string;
  title: string;
  file: DeviceFile;
  variant: string;
  /** A non-default precision of the file's `precisions` set (constants already scaled by its ratios). */
  precision?: string;
  constants: Constants;
  clockMHz: number;
  fastBytes: number;
  flashBytes?: number;
  sramBytes?: number;
  bytesPerValue: number;
}

/** `devices/` next to `src/` or `dist/` (the package root), whichever layout this file runs from. */
export function devicesDir(): string {
  const override = process.env.HWNAS_DEVICES_DIR;
  if (override) return override;
  for (const rel of ['../../devices/', '../../../devices/']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return fileURLToPath(new URL('../../devices/', import.meta.url));
}

export function devicePath(id: string): string {
  return join(devicesDir(), `${id}.json`);
}

function num(where: string, v: unknown, allowZero = true): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    const what =
      v === undefined
        ? 'is missing'
        : `must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${jsonText(v)}`;
    fail(`device file ${where} ${what}`, 'fix the device file or re-run `hwnas calibrate`');
  }
  return v;
}

function constants(where: string, v: unknown): Constants {
  if (typeof v !== 'object' || v === null) fail(`device file ${where} is missing`, 'fix the device file');
  const o = v as Record<string, unknown>;
  const out = {} as Constants;
  for (const k of CONSTANT_NAMES) out[k] = num(`${where}.${k}`, o[k]);
  return out;
}

function figure(where: string, f: Record<string, unknown>): Figure {
  if (typeof f.network !== 'string') fail(`device file ${where}.network is missing`);
  if (typeof f.source !== 'string') fail(`device file ${where}.source is missing`);
  return {
    network: f.network,
    ms: num(`${where}.ms`, f.ms, false),
    ...(f.clockMHz !== undefined ? { clockMHz: num(`${where}.clockMHz`, f.clockMHz, false) } : {}),
    ...(f.fastKiB !== undefined ? { fastKiB: num(`${where}.fastKiB`, f.fastKiB, false) } : {}),
    ...(f.check === true ? { check: true } : {}),
    source: f.source,
  };
}

function precisionSet(name: string, raw: unknown, variants: Record<string, Variant>, option: string): PrecisionSet {
  const o = (raw ?? {}) as { default?: unknown; values?: Record<string, Record<string, unknown>> };
  if (option === PRECISION_OPTION)
    fail(`device file ${name}: 'precisions' needs a variant option other than precision`, 'fix the device file');
  if (typeof o.default !== 'string' || o.default === '') fail(`device file ${name}: precisions.default is missing`);
  if (!o.values || typeof o.values !== 'object') fail(`device file ${name}: precisions.values is missing`);
  const values: Record<string, Precision> = {};
  for (const [key, p] of Object.entries(o.values)) {
    const where = `${name}: precisions.values.${key}`;
    if (key === o.default) fail(`device file ${where} repeats the default precision`);
    const figures = (Array.isArray(p.figures) ? p.figures : []) as Record<string, unknown>[];
    values[key] = {
      bytesPerValue: num(`${where}.bytesPerValue`, p.bytesPerValue, false),
      priorNote: typeof p.priorNote === 'string' ? p.priorNote : '',
      prior: constants(`${where}.prior`, p.prior),
      ratios: constants(`${where}.ratios`, p.ratios),
      figures: figures.map((f, i) => {
        const variant = f.variant;
        if (typeof variant !== 'string' || !variants[variant])
          fail(`device file ${where}.figures[${i}].variant must name a variant (${Object.keys(variants).join(', ')})`);
        return { ...figure(`${where}.figures[${i}]`, f), variant };
      }),
      ...(p.calibration ? { calibration: p.calibration as Calibration } : {}),
    };
  }
  return { default: o.default, values };
}

/** Parse and validate a device file's JSON text; `name` labels error messages. */
export function parseDeviceFile(text: string, name: string): DeviceFile {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    fail(`device file ${name} is not valid JSON: ${(e as Error).message}`);
  }
  const str = (k: string): string => {
    const v = raw[k];
    if (typeof v !== 'string' || v === '') fail(`device file ${name}: '${k}' is missing`, 'fix the device file');
    return v;
  };
  const fusion = (raw.fusion ?? {}) as Record<string, unknown>;
  const rules = {} as FusionRules;
  for (const k of ['convBnAct', 'convAdd', 'elementwiseAct', 'linkElementwise'] as const) {
    if (typeof fusion[k] !== 'boolean') fail(`device file ${name}: fusion.${k} is missing`, 'fix the device file');
    rules[k] = fusion[k] as boolean;
  }
  if (fusion.deadCode !== undefined) {
    if (typeof fusion.deadCode !== 'boolean')
      fail(`device file ${name}: fusion.deadCode must be true or false`, 'fix the device file');
    rules.deadCode = fusion.deadCode;
  }
  const vec = (raw.vector ?? {}) as Record<string, unknown>;
  const variantsRaw = raw.variants as Record<string, Record<string, unknown>> | undefined;
  if (!variantsRaw || typeof variantsRaw !== 'object' || Object.keys(variantsRaw).length === 0) {
    fail(`device file ${name}: 'variants' is missing`, 'fix the device file');
  }
  const variants: Record<string, Variant> = {};
  for (const [key, v] of Object.entries(variantsRaw)) {
    const where = `${name}: variants.${key}`;
    const figures = (Array.isArray(v.figures) ? v.figures : []) as Record<string, unknown>[];
    variants[key] = {
      ...(v.bytesPerValue !== undefined
        ? { bytesPerValue: num(`${where}.bytesPerValue`, v.bytesPerValue, false) }
        : {}),
      priorNote: typeof v.priorNote === 'string' ? v.priorNote : '',
      prior: constants(`${where}.prior`, v.prior),
      constants: constants(`${where}.constants`, v.constants),
      figures: figures.map((f, i) => figure(`${where}.figures[${i}]`, f)),
      ...(v.calibration ? { calibration: v.calibration as Calibration } : {}),
      ...(typeof (v.derive as { from?: unknown } | undefined)?.from === 'string'
        ? { derive: { from: (v.derive as { from: string }).from } }
        : {}),
    };
  }
  for (const [key, v] of Object.entries(variants)) {
    if (v.derive && !variants[v.derive.from])
      fail(`device file ${name}: variants.${key}.derive.from '${v.derive.from}' is not a variant`);
  }
  const defaultVariant = str('defaultVariant');
  if (!variants[defaultVariant]) fail(`device file ${name}: defaultVariant '${defaultVariant}' is not a variant`);
  const file: DeviceFile = {
    id: str('id'),
    title: str('title'),
    runtime: str('runtime'),
    bytesPerValue: num(`${name}: bytesPerValue`, raw.bytesPerValue, false),
    clockMHz: num(`${name}: clockMHz`, raw.clockMHz, false),
    fastKiB: num(`${name}: fastKiB`, raw.fastKiB),
    weightsInSlowMemory: raw.weightsInSlowMemory === true,
    vector: { cout: num(`${name}: vector.cout`, vec.cout, false), cin: num(`${name}: vector.cin`, vec.cin, false) },
    fusion: rules,
    variantOption: str('variantOption'),
    defaultVariant,
    variants,
    ...(raw.precisions !== undefined
      ? { precisions: precisionSet(name, raw.precisions, variants, str('variantOption')) }
      : {}),
    sources: Array.isArray(raw.sources) ? (raw.sources as string[]) : [],
  };
  if (raw.flashKiB !== undefined) file.flashKiB = num(`${name}: flashKiB`, raw.flashKiB, false);
  if (raw.sramKiB !== undefined) file.sramKiB = num(`${name}: sramKiB`, raw.sramKiB, false);
  if (file.sources.length === 0)
    fail(`device file ${name}: 'sources' is missing`, 'every device file cites its sources');
  return file;
}

const fileCache = new Map<string, DeviceFile>();

export function loadDeviceFile(id: string): DeviceFile {
  const hit = fileCache.get(id);
  if (hit) return hit;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id) || !existsSync(devicePath(id))) {
    fail(`unknown device '${id}'`, `use one of: ${listDevices().join(', ')}`);
  }
  const file = parseDeviceFile(readFileSync(devicePath(id), 'utf8'), `${id}.json`);
  fileCache.set(id, file);
  return file;
}

/** Forget loaded files (after `hwnas calibrate --write`). */
export function clearDeviceCache(): void {
  fileCache.clear();
}

/**
 * Every device id. None at all is a misplaced HWNAS_DEVICES_DIR (a typo) or a broken install, not an
 * empty list: that is one error naming the folder.
 */
export function listDevices(): string[] {
  const dir = devicesDir();
  const ids =
    existsSync(dir) && statSync(dir).isDirectory()
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.slice(0, -5))
          .sort()
      : [];
  if (ids.length === 0)
    fail(
      `no device files (<device>.json) in ${dir}`,
      process.env.HWNAS_DEVICES_DIR
        ? 'HWNAS_DEVICES_DIR points there: fix the path or unset it'
        : "the package's devices/ folder is missing: reinstall hwnas",
    );
  return ids;
}

/**
 * A device from a spec `id[@opt=value,...]`: the variant option (`threads=4`, `precision=fp32`), the
 * precision where the file has a precision set beside its variants (`threads=4,precision=int8`),
 * `clock=<MHz>`, `flash=<KiB>`, `sram=<KiB>` (MCU memory sizes; SRAM is also its fast memory).
 */
export function getDevice(spec: string, file?: DeviceFile): Device {
  const at = spec.indexOf('@');
  const id = at < 0 ? spec : spec.slice(0, at);
  const f = file ?? loadDeviceFile(id);
  let variant = f.defaultVariant;
  let precision = f.precisions?.default;
  let clockMHz = f.clockMHz;
  let fastKiB = f.fastKiB;
  let flashKiB = f.flashKiB;
  let sramKiB = f.sramKiB;
  const opts =
    at < 0
      ? []
      : spec
          .slice(at + 1)
          .split(',')
          .filter((s) => s !== '');
  for (const o of opts) {
    const eq = o.indexOf('=');
    const key = eq < 0 ? o : o.slice(0, eq);
    const value = eq < 0 ? '' : o.slice(eq + 1);
    const positive = (): number => {
      const v = Number(value);
      if (value === '' || !Number.isFinite(v) || v <= 0)
        fail(`device option ${key} of '${spec}' must be a positive number, got '${value}'`);
      return v;
    };
    if (key === f.variantOption) {
      if (!f.variants[value]) {
        fail(`device ${id} has no ${key}=${value}`, `use ${key}=${Object.keys(f.variants).join(' or ')}`);
      }
      variant = value;
    } else if (key === PRECISION_OPTION && f.precisions) {
      const names = precisionNames(f);
      if (!names.includes(value)) fail(`device ${id} has no ${key}=${value}`, `use ${key}=${names.join(' or ')}`);
      precision = value;
    } else if (key === 'clock') clockMHz = positive();
    else if (key === 'flash' && f.flashKiB !== undefined) flashKiB = positive();
    else if (key === 'sram' && f.sramKiB !== undefined) {
      sramKiB = positive();
      fastKiB = sramKiB;
    } else {
      const known = [
        f.variantOption,
        ...(f.precisions ? [PRECISION_OPTION] : []),
        'clock',
        ...(f.flashKiB !== undefined ? ['flash', 'sram'] : []),
      ];
      fail(`unknown option '${key}' for device ${id}`, `options: ${known.join(', ')}`);
    }
  }
  const canon = [
    variant !== f.defaultVariant ? `${f.variantOption}=${variant}` : '',
    precision !== f.precisions?.default ? `${PRECISION_OPTION}=${precision}` : '',
    clockMHz !== f.clockMHz ? `clock=${clockMHz}` : '',
    flashKiB !== f.flashKiB ? `flash=${flashKiB}` : '',
    sramKiB !== f.sramKiB ? `sram=${sramKiB}` : '',
  ].filter((s) => s !== '');
  const scaled = precision !== undefined ? f.precisions?.values[precision] : undefined;
  return {
    id: f.id,
    spec: canon.length > 0 ? `${f.id}@${canon.join(',')}` : f.id,
    title: f.title,
    file: f,
    variant,
    ...(scaled ? { precision } : {}),
    constants: scaled
      ? precisionConstants(f.variants[variant]!.constants, scaled.ratios)
      : f.variants[variant]!.constants,
    clockMHz,
    fastBytes: fastKiB * 1024,
    ...(flashKiB !== undefined ? { flashBytes: flashKiB * 1024 } : {}),
    ...(sramKiB !== undefined ? { sramBytes: sramKiB * 1024 } : {}),
    bytesPerValue: scaled?.bytesPerValue ?? f.variants[variant]!.bytesPerValue ?? f.bytesPerValue,
  };
}

/** The precisions a device has: its variants (variant option `precision`) or its precision set. */
export function precisionNames(f: DeviceFile): string[] {
  if (f.variantOption === PRECISION_OPTION) return Object.keys(f.variants);
  return f.precisions ? [f.precisions.default, ...Object.keys(f.precisions.values)] : [];
}

/** A variant's constants at a precision: each constant times its ratio. */
export function precisionConstants(base: Constants, ratios: Constants): Constants {
  const c = {} as Constants;
  for (const k of CONSTANT_NAMES) c[k] = base[k] * ratios[k];
  return c;
}
