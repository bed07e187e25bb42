/**
 * Latency sources of the hardware module:
 * - `model:<device>[@opt=value,...]`: the analytical device model (per-block costs where additive);
 * - `lut:<file.csv>`: per-block measured latencies (decision, choice, ms; a `fixed` row), summed;
 * - `fit:<file.csv>#<column>[@<device>]`: a few measured architectures correct the analytical model of
 *   <device> (default cortex-a76) by non-negative least squares over its per-kernel-type times.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { loadTableColumn } from '../data/index.js';
import { fail, isHwnasError } from '../errors.js';
import { registerSource } from '../objectives/registry.js';
import type { ObjectiveColumn, SourceContext } from '../objectives/types.js';
import type { SearchSpace } from '../space/types.js';
import { type Calibration, getDevice, PRECISION_OPTION } from './device.js';
import { fitCorrection } from './fit.js';
import { spaceLatency, sumTables } from './space-latency.js';
import { loadTransferPrior, priorKey, TRANSFER_PRIOR_FILE, transferPriors } from './transfer.js';

export function resolveModel(rest: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  if (rest === '') fail(`source 'model:' needs a device`, 'e.g. model:cortex-m7 (hwnas devices lists them)');
  const device = getDevice(rest);
  const lat = spaceLatency(ctx.space, device);
  const cal = device.file.variants[device.variant]!.calibration;
  const loo = (c: Calibration) =>
    c.looMeanAbsErrorPct !== undefined ? ` (leave-one-out ${c.looMeanAbsErrorPct}%)` : '';
  const precision = device.precision !== undefined ? device.file.precisions!.values[device.precision]! : undefined;
  const notes = [
    `${device.title}, ${device.file.variantOption}=${device.variant}${precision ? `, ${PRECISION_OPTION}=${device.precision}` : ''}, ${device.clockMHz} MHz`,
    cal
      ? `calibration: ${cal.meanAbsErrorPct}% mean error on ${cal.figures} published figures${loo(cal)}`
      : 'not calibrated: datasheet prior constants',
    ...(precision
      ? [
          precision.calibration
            ? `${device.precision} ratios: ${precision.calibration.meanAbsErrorPct}% mean error on ${precision.calibration.figures} published figures${loo(precision.calibration)}`
            : `${device.precision} ratios: kernel-structure prior only (no published figures)`,
        ]
      : []),
    lat.additive
      ? `additive over ${ctx.space.id} blocks: totals = fixed ${lat.fixedMs.toFixed(3)} ms + block costs`
      : `not additive over ${ctx.space.id} blocks (fusion/zero ops cross blocks, max deviation ${(100 * lat.maxDeviation).toFixed(1)}%): totals from full graphs, blockValue = a block's own kernels`,
  ];
  return Promise.resolve({
    name: 'latency',
    source: `model:${device.spec}`,
    direction: 'min',
    unit: 'ms',
    values: lat.values,
    blockValue: (d: number, c: number) => lat.blockMs[d]![c]!,
    notes,
  });
}

/** Per-block look-up table: rows `decision,choice,ms` (decision/choice by index or name) plus `fixed,,ms`. */
export function readLut(path: string, space: SearchSpace): { fixed: number; tables: Float64Array[] } {
  const name = basename(path);
  if (!existsSync(resolve(path)))
    fail(`lut ${path}: no such file`, 'check the path; it is relative to the current folder');
  let rows: string[][];
  try {
    rows = parseCsv(readFileSync(resolve(path), 'utf8'), {
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as string[][];
  } catch (e) {
    fail(`lut ${name}: not valid CSV (${(e as Error).message})`);
  }
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const [di, ci, mi] = ['decision', 'choice', 'ms'].map((c) => header.indexOf(c));
  if (di! < 0 || ci! < 0 || mi! < 0)
    fail(`lut ${name}: header must have columns decision, choice, ms`, `got: ${header.join(',')}`);
  const tables = space.decisions.map((d) => new Float64Array(d.choices.length).fill(Number.NaN));
  let fixed = Number.NaN;
  rows.slice(1).forEach((r, k) => {
    const line = k + 2;
    const ms = Number(r[mi!]);
    if (r[mi!] === undefined || r[mi!] === '' || !Number.isFinite(ms) || ms < 0)
      fail(`lut ${name}:${line}: ms must be a non-negative number, got '${r[mi!] ?? ''}'`);
    const dText = r[di!] ?? '';
    if (dText.toLowerCase() === 'fixed') {
      fixed = ms;
      return;
    }
    const d = byNameOrIndex(
      space.decisions.map((x) => x.name),
      dText,
    );
    if (d < 0 || d >= space.decisions.length)
      fail(
        `lut ${name}:${line}: unknown decision '${dText}'`,
        `use 0..${space.decisions.length - 1} or a decision name`,
      );
    const choices = space.decisions[d]!.choices;
    const cText = r[ci!] ?? '';
    const c = byNameOrIndex(choices, cText);
    if (c < 0 || c >= choices.length)
      fail(
        `lut ${name}:${line}: unknown choice '${cText}' of decision ${space.decisions[d]!.name}`,
        `use 0..${choices.length - 1} or a choice name`,
      );
    tables[d]![c] = ms;
  });
  if (Number.isNaN(fixed))
    fail(`lut ${name}: no 'fixed' row`, 'add a row fixed,,<ms> with the latency of the parts outside the blocks');
  tables.forEach((t, d) => {
    const c = t.findIndex((v) => Number.isNaN(v));
    if (c >= 0) {
      const dec = space.decisions[d]!;
      fail(
        `lut ${name}: no row for decision ${dec.name} choice ${dec.choices[c]}`,
        'every (decision, choice) needs a measured latency',
      );
    }
  });
  return { fixed, tables };
}

/**
 * A name first, then an index: BLOX choice names such as `00100` are all digits, so reading every
 * digit string as an index would reject the names `hwnas latency --per-block` writes.
 */
function byNameOrIndex(names: readonly string[], text: string): number {
  const named = names.indexOf(text);
  if (named >= 0) return named;
  return /^\d+$/.test(text) ? Number(text) : -1;
}

export function resolveLut(rest: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  if (rest === '') fail(`source 'lut:' needs a file`, 'lut:<file.csv> with columns decision,choice,ms and a fixed row');
  const { fixed, tables } = readLut(rest, ctx.space);
  const values = sumTables(fixed, tables, new Float64Array(ctx.space.size));
  return Promise.resolve({
    name: 'latency',
    source: `lut:${rest}`,
    direction: 'min',
    unit: 'ms',
    values,
    blockValue: (d: number, c: number) => tables[d]![c]!,
    notes: [`per-block look-up table ${basename(rest)}: fixed ${fixed} ms + one measured value per block`],
  });
}

const FIT_ROWS_HINT = 'a fit: table holds one row per measured architecture, each latency > 0 ms';

/**
 * The measured rows of a `fit:` table. The correction divides by measured latencies, so a 0 ms (or
 * negative) row is refused naming its architecture; table errors without a hint get the fit's rule.
 */
async function readMeasured(
  file: string,
  column: string,
  space: SearchSpace,
  source: string,
): Promise<ObjectiveColumn> {
  let measured: ObjectiveColumn;
  try {
    measured = await loadTableColumn({ file, column }, space, { allowMissing: true, source });
  } catch (e) {
    if (isHwnasError(e) && e.hint === undefined) fail(e.message, FIT_ROWS_HINT);
    throw e;
  }
  measured.values.forEach((v, i) => {
    if (v <= 0)
      fail(
        `${source}: architecture ${i} (${space.format(i)}) has a measured latency of ${v} ms`,
        `${FIT_ROWS_HINT}: re-measure it or remove its row`,
      );
  });
  return measured;
}

/** The parts of a `fit:` spec (after `fit:`): the measured table, its column and the device corrected. */
export function parseFitSpec(rest: string): { file: string; column: string; device: string } {
  const hash = rest.lastIndexOf('#');
  if (hash <= 0)
    fail(
      `bad source 'fit:${rest}'`,
      'write fit:<file.csv|file.parquet>#<column>[@<device>], e.g. fit:m.csv#ms@cortex-a72',
    );
  const tail = rest.slice(hash + 1);
  const at = tail.indexOf('@');
  return {
    file: rest.slice(0, hash),
    column: at < 0 ? tail : tail.slice(0, at),
    device: at < 0 ? 'cortex-a76' : tail.slice(at + 1),
  };
}

export async function resolveFit(rest: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  const { file, column, device: deviceSpec } = parseFitSpec(rest);
  const device = getDevice(deviceSpec);
  const measured = await readMeasured(file, column, ctx.space, `fit:${rest}`);
  const priors = transferPriors(device);
  const fit = fitCorrection(ctx.space, device, measured.values, priors);
  return {
    name: 'latency',
    source: `fit:${rest}`,
    direction: 'min',
    unit: measured.unit || 'ms',
    values: fit.values,
    ...(fit.blockValue ? { blockValue: fit.blockValue } : {}),
    notes: [
      `${fit.k} measured architectures correct model:${device.spec} (weights per kernel type ${Array.from(fit.weights, (w) => w.toFixed(2)).join(', ')})`,
      fit.transferred
        ? `anchored to what ${loadTransferPrior()!.about.tables.length} other devices' measured tables teach (transfer prior for ${priorKey(device)}, ${TRANSFER_PRIOR_FILE})`
        : `anchored to the model's own shape (no transfer prior for ${priorKey(device)}; prior weight ${fit.lambda}, chosen by leave-one-out)`,
      `leave-one-out mean relative error on the measured rows: ${(100 * fit.looError).toFixed(1)}%`,
      fit.pruned
        ? 'features: dead code pruned (the table follows converter semantics: ops that cannot reach the output do not run)'
        : 'features: every op runs (the table follows eager semantics: dead ops and ops fed by zero edges run)',
    ],
  };
}

registerSource(
  'model',
  'analytical device model (ms, min): model:<device>[@threads=4,precision=int8,clock=MHz,...] (hwnas devices lists them)',
  resolveModel,
);
registerSource(
  'lut',
  'per-block measured latency table (ms, min): lut:<file.csv> with columns decision,choice,ms and a fixed row',
  resolveLut,
  (rest) => [rest],
);
registerSource(
  'fit',
  'few-shot corrected device model (ms, min): fit:<file.csv>#<column>[@<device>] from K measured architectures',
  resolveFit,
  (rest) => [parseFitSpec(rest).file],
);
