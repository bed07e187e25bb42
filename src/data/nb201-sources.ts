/**
 * Sources `nb201:<dataset>` (test accuracy, %, maximise) and `help:<device>` (latency, ms, minimise): NB201
 * benchmark columns re-ordered from the official index to the nb201 space's own index via cell strings.
 */
import { fail } from '../errors.js';
import type { ObjectiveColumn, SourceContext } from '../objectives/types.js';
import type { SearchSpace } from '../space/types.js';
import { loadNb201, NB201_DATASETS, type Nb201Benchmark, type Nb201Dataset } from './nb201.js';

const permutations = new WeakMap<SearchSpace, Int32Array>();

/** `perm[official] = space index`, from `space.parse(cellString)`; must be a bijection. */
export function officialToSpace(b: Nb201Benchmark, space: SearchSpace): Int32Array {
  const cached = permutations.get(space);
  if (cached) return cached;
  if (space.size !== b.size)
    fail(
      `space '${space.id}' has ${space.size} architectures, NB201 has ${b.size}`,
      'nb201 and help sources need --space nb201',
    );
  const perm = new Int32Array(b.size);
  const seen = new Uint8Array(b.size);
  for (let i = 0; i < b.size; i++) {
    const s = space.parse(b.cellStrings[i]!);
    if (seen[s]) fail(`space '${space.id}' maps two NB201 cells to index ${s}`);
    seen[s] = 1;
    perm[i] = s;
  }
  permutations.set(space, perm);
  return perm;
}

export function toSpaceOrder(official: Float64Array, perm: Int32Array): Float64Array {
  const out = new Float64Array(official.length);
  for (let i = 0; i < official.length; i++) out[perm[i]!] = official[i]!;
  return out;
}

function requireNb201Space(spec: string, ctx: SourceContext): SearchSpace {
  if (ctx.space.id !== 'nb201')
    fail(
      `source '${spec}' needs the nb201 space, not '${ctx.space.id}'`,
      'search the nb201 space with it, e.g. --space nb201 or hwnas prune nb201',
    );
  return ctx.space;
}

export async function resolveNb201(rest: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  const spec = `nb201:${rest}`;
  if (!(NB201_DATASETS as readonly string[]).includes(rest))
    fail(`unknown NB201 dataset '${rest}' in '${spec}'`, `use one of: ${NB201_DATASETS.join(', ')}`);
  const space = requireNb201Space(spec, ctx);
  const b = await loadNb201({ quiet: ctx.quiet });
  return {
    name: 'accuracy',
    source: spec,
    direction: 'max',
    unit: '%',
    values: toSpaceOrder(b.accuracy[rest as Nb201Dataset], officialToSpace(b, space)),
    notes: [`NAS-Bench-201 ${rest} test accuracy after 200 epochs, mean over seeds (NATS-Bench)`],
  };
}

export async function resolveHelp(rest: string, ctx: SourceContext): Promise<ObjectiveColumn> {
  const spec = `help:${rest}`;
  const space = requireNb201Space(spec, ctx);
  const b = await loadNb201({ quiet: ctx.quiet });
  const col = b.latency[rest];
  if (!col) fail(`unknown HELP device '${rest}' in '${spec}'`, `use one of: ${b.devices.join(', ')}`);
  return {
    name: 'latency',
    source: spec,
    direction: 'min',
    unit: 'ms',
    values: toSpaceOrder(col, officialToSpace(b, space)),
    notes: [`HELP measured latency on ${rest} (ms)`],
  };
}
