/**
 * `hwnas front --space S --accuracy SRC --latency SRC`: the exact Pareto front of a closed benchmark
 * (every architecture of the space), maximising accuracy-like and minimising latency-like columns as
 * their sources declare. Output rows are sorted by latency (then accuracy, best first): index, arch,
 * accuracy, latency; `hwnas metrics --front F.csv --columns latency,-accuracy` reads it back.
 */
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkOutputFile } from '../io/folders.js';
import { toJson } from '../io/json.js';
import { resolveSource } from '../objectives/all.js';
import { feasibleMask, parseConstraints } from '../objectives/constraints.js';
import { checkAccuracySource, checkLatencySource } from '../objectives/roles.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { paretoFrontIndices } from '../pareto/index.js';
import { getSpace } from '../space/all.js';
import type { SearchSpace } from '../space/types.js';

export interface FrontRow {
  index: number;
  arch: string;
  accuracy: number;
  latency: number;
}

/**
 * Front of all architectures: objective 0 = latency, objective 1 = accuracy, each turned into a minimised
 * value. With `feasible`, only architectures marked 1 count (constraints); with `allowMissing`,
 * architectures a source misses are left out instead of failing.
 */
export function exactFront(
  space: SearchSpace,
  accuracy: ObjectiveColumn,
  latency: ObjectiveColumn,
  opts: { feasible?: Uint8Array; allowMissing?: boolean } = {},
): FrontRow[] {
  const n = space.size;
  const points = new Float64Array(2 * n);
  const keep = opts.feasible ? Uint8Array.from(opts.feasible) : new Uint8Array(n).fill(1);
  for (const [k, col] of [latency, accuracy].entries()) {
    if (col.values.length !== n) {
      fail(`source '${col.source}' has ${col.values.length} values but space '${space.id}' has ${n} architectures`);
    }
    let missing = 0;
    const sign = col.direction === 'max' ? -1 : 1;
    for (let i = 0; i < n; i++) {
      const v = col.values[i]!;
      if (!Number.isFinite(v)) {
        missing++;
        keep[i] = 0;
      }
      points[2 * i + k] = sign * v;
    }
    if (missing === n) fail(`source '${col.source}' has no value for any architecture of '${space.id}'`);
    if (missing > 0 && !opts.allowMissing) {
      fail(
        `source '${col.source}' has no value for ${missing} of ${n} architectures of '${space.id}'`,
        'an exact front needs every architecture of the closed benchmark, or --allow-missing for the covered ones',
      );
    }
  }
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i] === 1) rows.push(i);
  if (rows.length === 0) fail('no architecture is covered and within the constraints', 'relax --constraint');
  const all = rows.length === n;
  const picked = all ? points : Float64Array.from(rows.flatMap((i) => [points[2 * i]!, points[2 * i + 1]!]));
  return [...paretoFrontIndices(picked, 2)]
    .map((k) => (all ? k : rows[k]!))
    .map((i) => ({
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
  constraint?: string[];
  allowMissing?: boolean;
}

/** A front as CSV (index, arch, accuracy, latency): also `hwnas search --found`, so `hwnas metrics` reads both. */
export function frontCsv(rows: readonly FrontRow[]): string {
  return stringify(
    rows.map((r) => [r.index, r.arch, r.accuracy, r.latency]),
    { header: true, columns: ['index', 'arch', 'accuracy', 'latency'] },
  );
}

export async function runFront(f: FrontFlags): Promise<{ text: string; csv: string; note?: string }> {
  const space = getSpace(f.space);
  const constraints = parseConstraints(f.constraint ?? []);
  const allowMissing = f.allowMissing === true;
  const accuracy = await resolveSource(f.accuracy, { space, quiet: f.json === true, allowMissing });
  const latency = await resolveSource(f.latency, { space, quiet: f.json === true, allowMissing });
  checkAccuracySource(accuracy);
  checkLatencySource(latency);
  const mask = constraints.length > 0 ? feasibleMask(space, constraints, { latency: latency.values }) : undefined;
  const rows = exactFront(space, accuracy, latency, { ...(mask ? { feasible: mask.mask } : {}), allowMissing });
  let covered = 0;
  let feasible = 0;
  for (let i = 0; i < space.size; i++) {
    const ok = Number.isFinite(accuracy.values[i]!) && Number.isFinite(latency.values[i]!);
    covered += ok ? 1 : 0;
    feasible += ok && (!mask || mask.mask[i] === 1) ? 1 : 0;
  }
  const restricted = constraints.length > 0 || covered < space.size;
  const among = restricted
    ? `over ${feasible} feasible of ${space.size} architectures (${covered} covered${constraints.length > 0 ? `; ${constraints.map((c) => c.text).join(' ')}` : ''})`
    : '';
  const csv = frontCsv(rows);
  const describe = (c: ObjectiveColumn) => ({ source: c.source, name: c.name, unit: c.unit, direction: c.direction });
  if (f.json) {
    const text = toJson({
      space: space.id,
      size: space.size,
      accuracy: describe(accuracy),
      latency: describe(latency),
      ...(restricted
        ? {
            constraints: constraints.map((c) => c.text),
            covered,
            feasible,
            ...(mask
              ? {
                  perConstraint: mask.perConstraint.map(({ constraint, feasible: k }) => ({ constraint, feasible: k })),
                }
              : {}),
          }
        : {}),
      front: rows,
    });
    return { text, csv };
  }
  const text = f.out
    ? `front of ${rows.length} architectures (of ${space.size}${among ? `; ${among}` : ''}) written to ${f.out}\n`
    : csv;
  // CSV on stdout stays plain CSV: the subset note goes to stderr
  return { text, csv, ...(among && !f.out ? { note: `front ${among}\n` } : {}) };
}

export function register(program: Command): void {
  program
    .command('front')
    .description('exact Pareto front (accuracy vs latency) of a closed benchmark')
    .requiredOption('--space <space>', 'search space name or user-defined space file (.json)')
    .requiredOption('--accuracy <source>', 'accuracy source, e.g. nb201:cifar100 or table:acc.csv#top1')
    .requiredOption('--latency <source>', 'latency source, e.g. model:cortex-m7 or table:m7.csv#ms')
    .option(
      '--constraint <expr>',
      'hard constraint, repeatable: params<=N, macs<=N, flops<=N, weights<=BYTES[@int8|@fp32], peak<=BYTES[@...], latency<=MS, fits:<device> (docs/constraints.md)',
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    )
    .option('--allow-missing', 'leave out architectures a source misses (the front of the covered ones)')
    .option('--out <F.csv>', 'write the front as CSV: index, arch, accuracy, latency')
    .option('--json', 'print the front and its sources as JSON')
    .action(async (f: FrontFlags) => {
      if (f.out) checkOutputFile('--out', f.out);
      const r = await runFront(f);
      if (f.out) writeFileAtomic(f.out, r.csv);
      if (r.note) process.stderr.write(r.note);
      process.stdout.write(r.text);
    });
}
