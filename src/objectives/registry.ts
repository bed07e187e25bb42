/**
 * Source specs look like `prefix:rest` (`model:cortex-m7`, `table:file.csv#col`, `help:pixel3`,
 * `nb201:cifar100`, `ort`, `fit:file.csv#col`, `lut:file.csv`). Modules that own a kind of source register
 * a resolver for its prefix; `resolveSource` dispatches. `src/objectives/all.ts` imports every module.
 */
import { fail } from '../errors.js';
import type { ObjectiveColumn, SourceContext, SourceResolver } from './types.js';

const resolvers = new Map<string, { resolve: SourceResolver; help: string }>();

export function registerSource(prefix: string, help: string, resolve: SourceResolver): void {
  resolvers.set(prefix, { resolve, help });
}

export function knownSources(): { prefix: string; help: string }[] {
  return [...resolvers.entries()]
    .map(([prefix, r]) => ({ prefix, help: r.help }))
    .sort((a, b) => a.prefix.localeCompare(b.prefix));
}

export async function resolveSource(spec: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  const colon = spec.indexOf(':');
  const prefix = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  const r = resolvers.get(prefix);
  if (!r) {
    const list = knownSources()
      .map((s) => s.prefix)
      .join(', ');
    fail(`unknown source '${spec}'`, `use one of: ${list}`);
  }
  return r.resolve(rest, ctx);
}
