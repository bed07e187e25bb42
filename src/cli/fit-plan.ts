/**
 * `hwnas fit-plan <space> --k 20 --latency model:<device> [--seed n] [--column ms] [--out plan.csv] [--json]`:
 * which K architectures to measure for a `fit:` predictor, as a CSV to fill in (index, arch, empty column).
 */
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { fail } from '../errors.js';
import { getDevice, planMeasurements } from '../hardware/index.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkOutputFile } from '../io/folders.js';
import { toJson } from '../io/json.js';
import { parseIntOption } from '../io/numbers.js';
import { getSpace } from '../space/all.js';

interface Flags {
  k: string;
  latency: string;
  seed: string;
  column: string;
  out?: string;
  json?: boolean;
}

/** The device model a plan is designed for: only `model:<device>` has the per-kernel-type times it needs. */
function planDevice(latency: string) {
  if (!latency.startsWith('model:'))
    fail(
      `--latency ${latency}: fit-plan needs a device model (its per-kernel-type times choose the architectures)`,
      'give model:<device>, the model the fit: will correct (hwnas devices lists them)',
    );
  return getDevice(latency.slice('model:'.length));
}

export function register(program: Command): void {
  program
    .command('fit-plan')
    .description('which K architectures to measure for a fit: predictor (a CSV to fill in)')
    .argument('<space>', 'search space name or user-defined space file (.json)')
    .requiredOption('--k <n>', 'architectures to measure (at least 3)')
    .requiredOption('--latency <source>', 'the device model the fit will correct, e.g. model:cortex-a76')
    .option('--seed <n>', 'seed of the candidate sample in spaces over 50,000 architectures', '0')
    .option('--column <name>', 'name of the empty column to fill in with measured latency', 'ms')
    .option('--out <file.csv>', 'write the plan to this CSV file instead of stdout')
    .option('--json', 'print the plan as JSON')
    .action((spaceName: string, f: Flags) => {
      if (f.out === '') fail('--out is empty', 'give a file name, or drop --out to print the plan');
      if (f.column === '' || /[,"\n]/.test(f.column))
        fail(`--column '${f.column}' is not a usable column name`, 'give a plain name, e.g. --column ms');
      if (f.out) checkOutputFile('--out', f.out);
      const k = parseIntOption('--k', f.k, 1);
      const seed = parseIntOption('--seed', f.seed, 0);
      const device = planDevice(f.latency);
      const space = getSpace(spaceName);
      const picks = planMeasurements(space, device, k, seed);
      const rows = picks.map((i) => ({ index: i, arch: space.format(i), [f.column]: '' }));
      const csv = stringify(rows, { header: true, columns: ['index', 'arch', f.column] });
      if (f.out) {
        writeFileAtomic(f.out, csv);
        process.stderr.write(
          `wrote ${k} architectures to ${f.out}: measure each on the device, fill in '${f.column}' (ms), then use fit:${f.out}#${f.column}@${device.spec}\n`,
        );
      }
      if (f.json) process.stdout.write(toJson({ space: space.id, device: device.spec, k, seed, architectures: rows }));
      else if (!f.out) process.stdout.write(csv);
    });
}
