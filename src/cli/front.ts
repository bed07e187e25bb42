/**
 * `hwnas front --space S --accuracy SRC --latency SRC`: the exact Pareto front of a closed benchmark
 * (every architecture of the space), maximising accuracy-like and minimising latency-like columns as
 * their sources declare. Output rows are sorted by latency (then accuracy, best first): index, arch,
 * accuracy, latency; `hwnas metrics --front F.csv --columns latency,-accuracy` reads it back.
 */
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { fail } from '../errors.js';
import { resolveSource } from '../objectives/all.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { paretoFrontIndices } from '../pareto/index.js';
import { getSpace } from '../space/all.js';
import type { SearchSpace } from '../space/types.js';
import { toJson, writeFileAtomic } from './output.js';

export interface FrontRow {
  index: number;
  arch: string;
  accuracy: number;
  latency: number;
}

/** Front of all architectures: objective 0 = latency, objective 1 = accuracy, each turned into a minimised value. */
export function exactFront(space: SearchSpace, accuracy: ObjectiveColumn, latency: ObjectiveColumn): FrontRow[] {
  const n = space.size;
  const points = new Float64Array(2 * n);
  for (const [k, col] of [latency, accuracy].entries()) {
    if (col.values.length !== n) {
      fail(`source '${col.source}' has ${col.values.length} values but space '${space.id}' has ${n} architectures`);
    }
    let missing = 0;
    const sign = col.direction === 'max' ? -1 : 1;
    for (let i = 0; i < n; i++) {
      const v = col.values[i]!;
      if (!Number.isFinite(v)) missing++;
      points[2 * i + k] = sign * v;
    }
    if (missing > 0) {
      fail(
        `source '${col.source}' has no value for ${missing} of ${n} architectures of '${space.id}'`,
        'an exact front needs every architecture of the closed benchmark',
      );
    }
  }
  return [...paretoFrontIndices(points, 2)].map((i) => ({
    index: i,
    arch: space.format(i),
    accuracy: accuracy.values[i]!,
    latency: latency.values[i]!,
  }));
}

interface FrontFlags {
  space: string;
  accuracy: string;
  latency: string;
  out?: string;
  json?: boolean;
}

function toCsv(rows: FrontRow[]): string {
  return stringify(
    rows.map((r) => [r.index, r.arch, r.accuracy, r.latency]),
    { header: true, columns: ['index', 'arch', 'accuracy', 'latency'] },
  );
}

export async function runFront(f: FrontFlags): Promise<{ text: string; csv: string }> {
  const space = getSpace(f.space);
  const accuracy = await resolveSource(f.accuracy, { space, quiet: f.json === true });
  const latency = await resolveSource(f.latency, { space, quiet: f.json === true });
  const rows = exactFront(space, accuracy, latency);
  const csv = toCsv(rows);
  const describe = (c: ObjectiveColumn) => ({ source: c.source, name: c.name, unit: c.unit, direction: c.direction });
  if (f.json) {
    const text = toJson({
      space: space.id,
      size: space.size,
      accuracy: describe(accuracy),
      latency: describe(latency),
      front: rows,
    });
    return { text, csv };
  }
  const text = f.out ? `front of ${rows.length} architectures (of ${space.size}) written to ${f.out}\n` : csv;
  return { text, csv };
}

export function register(program: Command): void {
  program
    .command('front')
    .description('exact Pareto front (accuracy vs latency) of a closed benchmark')
    .requiredOption('--space <space>', 'search space name or user-defined space file (.json)')
    .requiredOption('--accuracy <source>', 'accuracy source, e.g. nb201:cifar100 or table:acc.csv#top1')
    .requiredOption('--latency <source>', 'latency source, e.g. model:cortex-m7 or table:m7.csv#ms')
    .option('--out <F.csv>', 'write the front as CSV: index, arch, accuracy, latency')
    .option('--json', 'print the front and its sources as JSON')
    .action(async (f: FrontFlags) => {
      const r = await runFront(f);
      if (f.out) writeFileAtomic(f.out, r.csv);
      process.stdout.write(r.text);
    });
}
