/**
 * `hwnas measure <space> --all|--sample N|--arch A -o table.csv`: a latency table measured on this host
 * with ONNX Runtime, resumable after interruption (see src/hardware/ort/table.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { fail } from '../errors.js';
import { ORT_DEFAULTS } from '../hardware/ort/measure.js';
import { measureTable, sampleIndices } from '../hardware/ort/table.js';
import { checkOutputFile } from '../io/folders.js';
import { exitOnInterrupt } from '../io/interrupt.js';
import { toJson } from '../io/json.js';
import { parseIntOption } from '../io/numbers.js';
import { progressBar } from '../io/progress.js';
import { getSpace } from '../space/all.js';
import type { SearchSpace } from '../space/types.js';
import { capThreads } from './threads.js';

interface MeasureFlags {
  all?: boolean;
  sample?: string;
  arch?: string[];
  out: string;
  repeats: string;
  warmup: string;
  threads: string;
  seed: string;
  classes?: string;
  quiet?: boolean;
  json?: boolean;
}

function selection(space: SearchSpace, f: MeasureFlags, seed: number): { indices: number[]; record: unknown } {
  const modes = [f.all ? '--all' : '', f.sample !== undefined ? '--sample' : '', f.arch ? '--arch' : ''].filter(
    Boolean,
  );
  if (modes.length !== 1) {
    fail(
      modes.length === 0 ? 'nothing to measure' : `${modes.join(' and ')} cannot be combined`,
      'give exactly one of --all, --sample N, --arch A',
    );
  }
  if (f.all) return { indices: Array.from({ length: space.size }, (_, i) => i), record: 'all' };
  if (f.sample !== undefined) {
    const n = parseIntOption('--sample', f.sample, 1, space.size);
    return { indices: sampleIndices(space.size, n, seed), record: { sample: n } };
  }
  const indices = [...new Set(f.arch!.map((a) => space.parse(a)))];
  return { indices, record: { arch: indices } };
}

/**
 * A finished table (no <out>.partial to resume) is measurements that took time on a real board: a rerun
 * would measure everything again and replace it, so it is refused rather than silently overwritten.
 */
function checkNotFinished(out: string): void {
  if (!existsSync(out) || existsSync(`${out}.partial`)) return;
  const rows = Math.max(0, readFileSync(out, 'utf8').trimEnd().split('\n').length - 1);
  fail(
    `--out ${out} already holds a finished table (${rows} row${rows === 1 ? '' : 's'}); measuring again would replace it`,
    'give another --out, or delete the file to measure again',
  );
}

export function register(program: Command): void {
  program
    .command('measure')
    .description('measure latency on this host with ONNX Runtime and write a table (resumable)')
    .argument('<space>', 'search space name or user-defined space file (.json)')
    .option('--all', 'measure every architecture of the space')
    .option('--sample <n>', 'measure n distinct architectures drawn with --seed')
    .option(
      '--arch <arch>',
      'measure this architecture (any notation of the space; repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .requiredOption('-o, --out <file.csv>', 'output table: index, arch, median_ms, min_ms, p90_ms, spread')
    .option('--repeats <r>', 'timed runs per network', String(ORT_DEFAULTS.repeats))
    .option('--warmup <w>', 'untimed runs before timing', String(ORT_DEFAULTS.warmup))
    .option('--threads <t>', 'ONNX Runtime intra-op threads', String(ORT_DEFAULTS.threads))
    .option('--seed <s>', 'seed of the sample, the weights and the input', String(ORT_DEFAULTS.seed))
    .option('--classes <n>', "classifier width (default: the space's dataset)")
    .option('--quiet', 'no progress bar')
    .option('--json', 'print a JSON summary')
    .addHelpText(
      'after',
      '\nRows are appended to <out>.partial as each network finishes; rerunning the same command after an\n' +
        'interruption skips finished architectures; an existing finished <out> is refused, not replaced.\n' +
        'Use the table as a latency source: table:<out>#median_ms (add --allow-missing unless it covers the\n' +
        'whole space), or fit:<out>#median_ms[@<device>] to predict every architecture from the measured ones.',
    )
    .action(async (spaceName: string, f: MeasureFlags) => {
      if (f.out === '') fail('--out is empty', 'give the table a file name, e.g. -o measured.csv');
      // The table is CSV whatever its name: a .parquet name would make table:/fit: read it as Parquet.
      if (/\.parquet$/i.test(f.out))
        fail(
          `--out ${f.out}: measure writes a CSV table, not Parquet`,
          'name it .csv (table: and fit: read the CSV; convert it to Parquet afterwards if you like)',
        );
      checkOutputFile('--out', f.out);
      checkNotFinished(f.out);
      const space = getSpace(spaceName);
      const seed = parseIntOption('--seed', f.seed, 0, 0xffffffff);
      const measure = {
        repeats: parseIntOption('--repeats', f.repeats, 1, 1_000_000),
        warmup: parseIntOption('--warmup', f.warmup, 0, 1_000_000),
        threads: capThreads(
          '--threads',
          parseIntOption('--threads', f.threads, 1, 256),
          'more intra-op threads than cores would time their contention',
        ),
        seed,
      };
      const classes =
        f.classes === undefined ? space.defaultClasses : parseIntOption('--classes', f.classes, 1, 1_000_000);
      const { indices, record } = selection(space, f, seed);
      const args = { command: 'measure', space: spaceName, select: record, classes, ...measure, batch: 1 };
      const bar = progressBar('measure', indices.length, { quiet: f.quiet });
      let result: Awaited<ReturnType<typeof measureTable>>;
      let done = 0;
      try {
        // Rows are appended as each network finishes, so Ctrl-C can stop at once: say what was kept.
        result = await exitOnInterrupt(
          () => {
            bar.stop();
            return `interrupted: ${done} of ${indices.length} architectures measured and saved in ${f.out}.partial (rerun the same command to resume)`;
          },
          () =>
            measureTable({
              space,
              indices,
              out: f.out,
              args,
              classes,
              measure,
              onProgress: (n) => {
                done = n;
                bar.update(n);
              },
            }),
        );
      } finally {
        bar.stop();
      }
      const spreads = Float64Array.from(result.rows, (r) => r.spread).sort();
      const medianSpread = spreads.length > 0 ? spreads[(spreads.length - 1) >> 1]! : Number.NaN;
      const measured = result.rows.length - result.resumed;
      const summary = {
        out: f.out,
        rows: result.rows.length,
        resumed: result.resumed,
        measured,
        medianSpread,
        secondsPerNetwork: measured > 0 ? result.seconds / measured : null,
      };
      if (f.json) process.stdout.write(toJson(summary));
      else {
        const per = summary.secondsPerNetwork === null ? '' : `, ${summary.secondsPerNetwork.toFixed(3)} s per network`;
        process.stdout.write(
          `wrote ${summary.rows} row${summary.rows === 1 ? '' : 's'} to ${f.out} (${result.resumed} resumed); median spread ${(medianSpread * 100).toFixed(2)} %${per}\n`,
        );
      }
    });
}
