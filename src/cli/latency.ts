/**
 * `hwnas latency <space> --latency <source> [--arch A | --all] [--per-block] [--allow-missing] [--out CSV] [--json]`:
 * latency of architectures (or of every block) under any latency source.
 */

import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { fail } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { checkOutputFile } from '../io/folders.js';
import { toJson } from '../io/json.js';
import { additiveFixed } from '../objectives/additive.js';
import { resolveSource } from '../objectives/all.js';
import { checkLatencySource } from '../objectives/roles.js';
import type { ObjectiveColumn } from '../objectives/types.js';
import { getSpace } from '../space/all.js';
import type { SearchSpace } from '../space/types.js';

interface Flags {
  latency: string;
  arch?: string[];
  all?: boolean;
  perBlock?: boolean;
  out?: string;
  json?: boolean;
  allowMissing?: boolean;
}

type Row = Record<string, string | number | null>;

/**
 * Rows of the architectures asked for. A source that misses some (a partial `table:`) is refused unless
 * --allow-missing; then --arch keeps a row per architecture with an empty ms (null in JSON), and --all
 * leaves the missing ones out, so its CSV is a valid `table:` of the covered subset.
 */
function archRows(
  space: SearchSpace,
  col: ObjectiveColumn,
  which: number[],
  f: Flags,
): { rows: Row[]; missing: number } {
  const rows: Row[] = [];
  let missing = 0;
  for (const i of which) {
    const v = col.values[i]!;
    if (Number.isFinite(v)) rows.push({ index: i, arch: space.format(i), ms: round(v) });
    else {
      if (f.allowMissing !== true)
        fail(
          `source ${col.source} has no latency for architecture ${i} (${space.format(i)})`,
          'pass --allow-missing to report only the covered architectures',
        );
      missing++;
      if (!f.all) rows.push({ index: i, arch: space.format(i), ms: null });
    }
  }
  return { rows, missing };
}

function blockRows(space: SearchSpace, col: ObjectiveColumn): Row[] {
  if (!col.blockValue) fail(`source ${col.source} has no per-block values`, 'use model:<device> or lut:<file.csv>');
  const rows: Row[] = [];
  space.decisions.forEach((d, di) => {
    d.choices.forEach((c, ci) => {
      rows.push({ decision: d.name, choice: c, ms: round(col.blockValue!(di, ci)) });
    });
  });
  // Where totals are fixed + block sums, the `fixed` row makes the table a complete `lut:` file.
  const fixed = additiveFixed(space, col);
  if (fixed !== undefined) rows.push({ decision: 'fixed', choice: '', ms: round(fixed) });
  return rows;
}

function round(x: number): number {
  return Number(x.toPrecision(6));
}

export function register(program: Command): void {
  program
    .command('latency')
    .description('latency of architectures or blocks under a latency source (device model, table, LUT, fit)')
    .argument('<space>', 'search space name or user-defined space file (.json)')
    .requiredOption(
      '--latency <source>',
      'latency source, e.g. model:cortex-m7, model:cortex-a76@threads=4, lut:blocks.csv, fit:m.csv#ms@cortex-a72',
    )
    .option(
      '--arch <arch>',
      'an architecture in any notation of the space (repeatable)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--all', 'every architecture of the space')
    .option(
      '--per-block',
      'per-block latency table (decision, choice, ms; plus a fixed row where totals are additive) instead of architectures',
    )
    .option(
      '--allow-missing',
      'accept a source that misses architectures (a partial table:): --arch gives them an empty ms (null in --json), --all leaves them out; --json adds "missing" (their count)',
    )
    .option('--out <file.csv>', 'write the table to this CSV file instead of stdout')
    .option('--json', 'print JSON (with --out too: the file stays CSV)')
    .action(async (spaceName: string, f: Flags) => {
      const modes = [f.all ? '--all' : '', f.arch ? '--arch' : '', f.perBlock ? '--per-block' : ''].filter(Boolean);
      if (modes.length !== 1) {
        fail(
          modes.length === 0 ? 'nothing to print' : `${modes.join(' and ')} cannot be combined`,
          'give one of --arch A, --all, --per-block',
        );
      }
      if (f.out === '') fail('--out is empty', 'give a file name, or drop --out to print the table');
      if (f.out) checkOutputFile('--out', f.out);
      const space = getSpace(spaceName);
      const indices = f.arch ? f.arch.map((a) => space.parse(a)) : [];
      const allowMissing = f.allowMissing === true;
      const col = await resolveSource(f.latency, { space, quiet: true, allowMissing });
      checkLatencySource(col);
      let rows: Row[];
      let missing = 0;
      if (f.perBlock) rows = blockRows(space, col);
      else {
        const which = f.all ? Array.from({ length: space.size }, (_, i) => i) : indices;
        ({ rows, missing } = archRows(space, col, which, f));
      }
      const head = { space: space.id, source: col.source, unit: col.unit, notes: col.notes ?? [] };
      const csv = () =>
        stringify(rows, { header: true, columns: Object.keys(rows[0] ?? { index: 0, arch: '', ms: 0 }) });
      // --out is always the CSV (a table: or lut: file), like `hwnas front --out`; --json goes to stdout.
      if (f.out) {
        writeFileAtomic(f.out, csv());
        process.stderr.write(`wrote ${rows.length} row${rows.length === 1 ? '' : 's'} to ${f.out}\n`);
      }
      if (f.json) process.stdout.write(toJson({ ...head, ...(allowMissing ? { missing } : {}), rows }));
      else if (!f.out) process.stdout.write(csv());
      if (missing > 0 && !f.json)
        process.stderr.write(
          `${missing} architecture${missing === 1 ? '' : 's'} ${missing === 1 ? 'has' : 'have'} no latency in ${col.source}${f.all ? ' (left out)' : ' (empty ms)'}\n`,
        );
    });
}
