/**
 * `hwnas front --space S --accuracy SRC --latency SRC`: the exact Pareto front of a closed benchmark
 * (every architecture of the space), maximising accuracy-like and minimising latency-like columns as
 * their sources declare. Output rows are sorted by latency (then accuracy, best first): index, arch,
 * accuracy, latency; `hwnas metrics --front F.csv --columns latency,-accuracy` reads it back.
 */
import type { Command } from 'commander';
import { frontCsv } from '../data/index.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkOutputFile } from '../io/folders.js';
import { toJson } from '../io/json.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { frontRows } from '../problem/index.js';
import { loadClosedProblem } from '../problem/load.js';

interface FrontFlags {
  space: string;
  accuracy: string;
  latency: string;
  out?: string;
  json?: boolean;
  constraint?: string[];
  allowMissing?: boolean;
}

export async function runFront(f: FrontFlags): Promise<{ text: string; csv: string; note?: string }> {
  const problem = await loadClosedProblem(
    {
      space: f.space,
      accuracy: f.accuracy,
      latency: f.latency,
      constraints: f.constraint ?? [],
      allowMissing: f.allowMissing === true,
      quiet: f.json === true,
    },
    {
      latencyFirst: true,
      missingHint:
        'an exact front needs every architecture of the closed benchmark, or --allow-missing for the covered ones',
    },
  );
  const { space, constraints, constraintMask: mask, coveredCount: covered, feasibleCount: feasible } = problem;
  const { accuracy, latency } = problem.sources;
  const rows = frontRows(problem);
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
