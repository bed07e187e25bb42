/**
 * `hwnas calibrate [device...] [--write] [--json]`: fit each device's constants to its published figures
 * and print the table (figure, measured, predicted, error, leave-one-out); --write stores the constants
 * and errors in the device files.
 */
import type { Command } from 'commander';
import {
  calibrateDevice,
  clearDeviceCache,
  devicePath,
  loadDeviceFile,
  type VariantFit,
  writeCalibration,
} from '../hardware/index.js';
import { toJson } from '../io/json.js';
import { deviceIds } from './devices.js';

function pct(x: number | undefined): string {
  return x === undefined || Number.isNaN(x) ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
}

export function formatFits(id: string, fits: VariantFit[]): string {
  const lines: string[] = [];
  for (const fit of fits) {
    const head =
      fit.fitted > 0
        ? `mean |error| ${fit.meanAbsErrorPct.toFixed(1)}%, leave-one-out ${Number.isNaN(fit.looMeanAbsErrorPct) ? '-' : `${fit.looMeanAbsErrorPct.toFixed(1)}%`}, ${fit.fitted} figures, prior weight ${fit.priorWeight}`
        : fit.derivedFrom
          ? `derived from variant ${fit.derivedFrom} by prior ratios`
          : 'no figures: prior constants';
    lines.push(`${id} ${fit.variant}: ${head}`);
    if (fit.rows.length > 0) {
      lines.push(
        `  ${'network'.padEnd(26)} ${'published'.padStart(10)} ${'predicted'.padStart(10)} ${'error'.padStart(8)} ${'LOO'.padStart(8)}`,
      );
      for (const r of fit.rows) {
        lines.push(
          `  ${r.network.padEnd(26)} ${r.measuredMs.toFixed(2).padStart(10)} ${r.predictedMs.toFixed(2).padStart(10)} ${pct(r.errorPct).padStart(8)} ${pct(r.looErrorPct).padStart(8)}${r.check ? '  (check only)' : ''}`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  program
    .command('calibrate')
    .description('fit device model constants to published latency figures and print the calibration table')
    .argument('[devices...]', 'device ids (default: all)')
    .option('--write', 'store the fitted constants and errors in the device files')
    .option('--json', 'print JSON')
    .action((ids: string[], f: { write?: boolean; json?: boolean }) => {
      const which = ids.length > 0 ? ids : deviceIds();
      const all = which.map((id) => ({ id, fits: calibrateDevice(loadDeviceFile(id)) }));
      if (f.write) {
        for (const { id, fits } of all) writeCalibration(devicePath(id), fits);
        clearDeviceCache();
      }
      if (f.json) process.stdout.write(toJson(all));
      else for (const { id, fits } of all) process.stdout.write(formatFits(id, fits));
    });
}
