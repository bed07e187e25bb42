/**
 * Source specs look like `prefix:rest` (`model:cortex-m7`, `table:file.csv#col`, `help:pixel3`,
 * `nb201:cifar100`, `ort`, `fit:file.csv#col`, `lut:file.csv`). Modules that own a kind of source register
 * a resolver for its prefix; `resolveSource` dispatches. `src/objectives/all.ts` imports every module.
 */
import { fail } from '../errors.js';
import type { ObjectiveColumn, SourceContext, SourceResolver } from './types.js';

/** The files a source spec (after its `prefix:`) reads; [] when it reads none or the spec is malformed. */
export type SourceReads = (rest: string) => string[];

const resolvers = new Map<string, { resolve: SourceResolver; help: string; reads?: SourceReads }>();

export function registerSource(prefix: string, help: string, resolve: SourceResolver, reads?: SourceReads): void {
  resolvers.set(prefix, { resolve, help, reads });
}

function split(spec: string): { prefix: string; rest: string } {
  const colon = spec.indexOf(':');
  return { prefix: colon < 0 ? spec : spec.slice(0, colon), rest: colon < 0 ? '' : spec.slice(colon + 1) };
}

/**
 * The files a source spec reads (`table:b.csv#ms` -> [b.csv]), so a command can refuse to overwrite them;
 * undefined when the text is not a known source. Never fails: a malformed spec is reported when resolved.
 */
export function sourceReads(spec: string): string[] | undefined {
  const { prefix, rest } = split(spec);
  const r = resolvers.get(prefix);
  if (!r || (rest === '' && spec !== prefix)) return undefined;
  try {
    return r.reads ? r.reads(rest) : [];
  } catch {
    return [];
  }
}

export function knownSources(): { prefix: string; help: string }[] {
  return [...resolvers.entries()]
    .map(([prefix, r]) => ({ prefix, help: r.help }))
    .sort((a, b) => a.prefix.localeCompare(b.prefix));
}

let verboseDefault = false;

/** The default of `SourceContext.verbose` (the CLI sets it from --verbose). */
export function setSourcesVerbose(on: boolean): void {
  verboseDefault = on;
}

export async function resolveSource(spec: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  const { prefix, rest } = split(spec);
  const r = resolvers.get(prefix);
  if (!r) {
    const list = knownSources()
      .map((s) => s.prefix)
      .join(', ');
    fail(`unknown source '${spec}'`, `use one of: ${list}`);
  }
  return r.resolve(rest, { ...ctx, verbose: ctx.verbose ?? verboseDefault });
}
