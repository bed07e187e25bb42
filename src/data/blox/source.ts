/** Source `blox:<column>` (e.g. `blox:test_top1`, `blox:bench-<device>`) from the imported BLOX release. */
import { fail } from '../../errors.js';
import type { ObjectiveColumn, SourceContext } from '../../objectives/types.js';
import { readBloxStore } from './import.js';

export async function resolveBlox(rest: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  const spec = `blox:${rest}`;
  if (ctx.space.id !== 'blox')
    fail(
      `source '${spec}' needs the blox space, not '${ctx.space.id}'`,
      'search the blox space with it, e.g. --space blox or hwnas prune blox',
    );
  const store = readBloxStore();
  if (!store)
    fail(
      `source '${spec}': no BLOX release has been imported`,
      "download the release files from BLOX's GitHub releases page and run 'hwnas data import blox <dir>'",
    );
  const { release, columns } = store;
  const info = release.columns.find((c) => c.name === rest);
  const values = columns.get(rest);
  if (!info || !values)
    fail(
      `source '${spec}': the imported release has no column '${rest}'`,
      `use one of: ${release.columns.map((c) => c.name).join(', ')}`,
    );
  if (values.length !== ctx.space.size)
    fail(
      `source '${spec}': the release was imported for ${values.length} architectures, the space has ${ctx.space.size}`,
      're-run hwnas data import blox',
    );
  let covered = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) covered++;
  if (covered < values.length && !ctx.allowMissing) {
    fail(
      `source '${spec}': ${values.length - covered} of ${values.length} architectures have no value`,
      'pass --allow-missing to run on the covered subset',
    );
  }
  const notes = [info.note];
  if (covered < values.length)
    notes.push(`covers ${covered} of ${values.length} architectures; the rest are NaN (allow-missing)`);
  if (info.name.startsWith('bench-')) notes.push('BLOX does not document the latency unit; ms assumed');
  return {
    name: info.name,
    source: spec,
    direction: info.direction,
    unit: info.unit,
    values: new Float64Array(values),
    notes,
  };
}
