/** `hwnas bench info <benchmark>`: the objectives a benchmark offers, with min / median / max. */
import type { Command } from 'commander';
import { loadNb201, NB201_DATASETS, readBloxStore } from '../data/index.js';
import { fail } from '../errors.js';
import { toJson } from '../io/json.js';
import type { Direction } from '../objectives/direction.js';

export interface ObjectiveSummary {
  source: string;
  direction: Direction;
  unit: string;
  count: number;
  min: number;
  median: number;
  max: number;
}

/** Summary over the non-NaN values. */
export function summarize(source: string, direction: Direction, unit: string, values: Float64Array): ObjectiveSummary {
  const v = values.filter((x) => !Number.isNaN(x)).sort();
  const n = v.length;
  const median = n === 0 ? Number.NaN : n % 2 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
  return { source, direction, unit, count: n, min: v[0] ?? Number.NaN, median, max: v[n - 1] ?? Number.NaN };
}

async function benchSummary(
  name: string,
  quiet: boolean,
): Promise<{ benchmark: string; architectures: number; objectives: ObjectiveSummary[] }> {
  if (name === 'nb201') {
    const b = await loadNb201({ quiet });
    const objectives = [
      ...NB201_DATASETS.map((d) => summarize(`nb201:${d}`, 'max', '%', b.accuracy[d])),
      ...b.devices.map((dev) => summarize(`help:${dev}`, 'min', 'ms', b.latency[dev]!)),
    ];
    return { benchmark: name, architectures: b.size, objectives };
  }
  if (name === 'blox') {
    const store = readBloxStore();
    if (!store) fail('no BLOX release has been imported', "run 'hwnas data import blox <dir>' first");
    const objectives = store.release.columns.map((c) =>
      summarize(`blox:${c.name}`, c.direction, c.unit, store.columns.get(c.name)!),
    );
    return { benchmark: name, architectures: store.release.spaceSize, objectives };
  }
  fail(`unknown benchmark '${name}'`, 'use one of: nb201, blox');
}

function fmt(x: number): string {
  if (Number.isNaN(x)) return '-';
  return Math.abs(x) >= 1e5 ? x.toExponential(4) : String(Number(x.toPrecision(6)));
}

export function register(program: Command): void {
  const bench = program.command('bench').description('closed benchmarks (nb201, blox): what they hold');
  bench
    .command('info')
    .description("list a benchmark's objective sources with min / median / max (fetches nb201 data on first use)")
    .argument('<benchmark>', 'nb201 or blox (an imported release)')
    .option('--json', 'print as JSON')
    .option('--quiet', 'no progress bar')
    .action(async (name: string, opts: { json?: boolean; quiet?: boolean }) => {
      const s = await benchSummary(name, Boolean(opts.quiet || opts.json));
      if (opts.json) {
        process.stdout.write(toJson(s));
        return;
      }
      const rows = [['source', 'dir', 'unit', 'count', 'min', 'median', 'max']];
      for (const o of s.objectives)
        rows.push([o.source, o.direction, o.unit, String(o.count), fmt(o.min), fmt(o.median), fmt(o.max)]);
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      const lines = rows.map((r) =>
        r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '),
      );
      process.stdout.write(`${s.benchmark}: ${s.architectures} architectures\n${lines.join('\n')}\n`);
    });
}
