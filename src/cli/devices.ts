/** `hwnas devices [--json]`: device models with their variants, sources and calibration error. */
import type { Command } from 'commander';
import { type Calibration, listDevices, loadDeviceFile, PRECISION_OPTION } from '../hardware/index.js';
import { toJson } from '../io/json.js';

/** Every device id (an empty or wrong devices folder is one error line, see listDevices). */
export const deviceIds = listDevices;

export function deviceSummaries() {
  return deviceIds().map((id) => {
    const f = loadDeviceFile(id);
    return {
      id,
      title: f.title,
      runtime: f.runtime,
      clockMHz: f.clockMHz,
      ...(f.flashKiB !== undefined ? { flashKiB: f.flashKiB, sramKiB: f.sramKiB } : {}),
      option: f.variantOption,
      defaultVariant: f.defaultVariant,
      variants: Object.entries(f.variants).map(([name, v]) => ({
        name,
        figures: v.figures.filter((x) => !x.check).length,
        calibration: v.calibration ?? null,
        derivedFrom: v.derive?.from ?? null,
      })),
      ...(f.precisions
        ? {
            precisionOption: PRECISION_OPTION,
            defaultPrecision: f.precisions.default,
            precisions: Object.entries(f.precisions.values).map(([name, p]) => ({
              name,
              bytesPerValue: p.bytesPerValue,
              figures: p.figures.filter((x) => !x.check).length,
              calibration: p.calibration ?? null,
              ratios: p.ratios,
            })),
          }
        : {}),
      sources: f.sources,
    };
  });
}

function calibrationText(c: Calibration): string {
  const loo = c.looMeanAbsErrorPct !== undefined ? `, leave-one-out ${c.looMeanAbsErrorPct}%` : '';
  return `mean error ${c.meanAbsErrorPct}% on ${c.figures} published figures${loo}`;
}

export function register(program: Command): void {
  program
    .command('devices')
    .description('list the analytical device models (model:<device>), their sources and calibration error')
    .option('--json', 'print JSON')
    .action((f: { json?: boolean }) => {
      const devs = deviceSummaries();
      if (f.json) {
        process.stdout.write(toJson(devs));
        return;
      }
      for (const d of devs) {
        process.stdout.write(`${d.id}: ${d.title}\n`);
        for (const v of d.variants) {
          const cal = v.calibration
            ? calibrationText(v.calibration)
            : v.derivedFrom
              ? `derived from ${d.option}=${v.derivedFrom} by prior ratios (no figures of its own)`
              : 'datasheet prior only (no published figures)';
          const def = v.name === d.defaultVariant ? ' (default)' : '';
          process.stdout.write(`  model:${d.id}@${d.option}=${v.name}${def}: ${cal}\n`);
        }
        for (const p of d.precisions ?? []) {
          const cal = p.calibration
            ? `ratios ${calibrationText(p.calibration)}`
            : 'prior ratios only (no published figures)';
          for (const v of d.variants) {
            const what = `${d.option}=${v.name} constants x ${p.name} ratios, ${p.bytesPerValue} byte(s) per value`;
            process.stdout.write(
              `  model:${d.id}@${d.option}=${v.name},${d.precisionOption}=${p.name}: ${what}; ${cal}\n`,
            );
          }
        }
        for (const s of d.sources) process.stdout.write(`  source: ${s}\n`);
      }
    });
}
