/**
 * Parameter values for an IR graph: He-initialised conv and linear weights (normal, std sqrt(2 / fan_in),
 * Box-Muller over the seeded Rng), zero biases, identity batch norms (weight 1, bias 0, mean 0, var 1).
 * Each parameterised node draws from its own stream `mixSeed(seed, node.id)`, so a node's weights do not
 * depend on which other nodes exist (folding a BN does not shift any weights).
 */
import { fail } from '../errors.js';
import { mixSeed, Rng } from '../rng.js';
import type { Graph, Node } from './graph.js';
import { isConv, isLinear } from './graph.js';

/**
 * Values of one node. Conv: weight [out, in/groups, k, k] (+ bias [out]); linear: weight [out, in]
 * (+ bias [out]); batch norm: weight (gamma), bias (beta), mean, variance, each [channels].
 */
export interface NodeParams {
  weight?: Float32Array;
  bias?: Float32Array;
  mean?: Float32Array;
  variance?: Float32Array;
}

/** Values a caller fixes instead of the random ones (reference networks in tests, imported weights). */
export type ExplicitParams = ReadonlyMap<number, { [K in keyof NodeParams]?: ArrayLike<number> }>;

/** `n` samples of N(0, std^2) by Box-Muller (both outputs of each pair used). */
export function normalSamples(rng: Rng, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - rng.nextFloat(); // (0, 1]: log stays finite
    const u2 = rng.nextFloat();
    const r = Math.sqrt(-2 * Math.log(u1)) * std;
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** Expected element count of each parameter of a node (empty for parameter-free ops). */
export function paramSizes(n: Node, g: Graph): { [K in keyof NodeParams]?: number } {
  const cin = n.inputs.length > 0 ? g.nodes[n.inputs[0]!]!.shape.c : 0;
  if (isConv(n)) {
    const a = n.attrs;
    const w = a.outChannels * (cin / a.groups) * a.kernel * a.kernel;
    return a.bias ? { weight: w, bias: a.outChannels } : { weight: w };
  }
  if (isLinear(n)) {
    const w = n.attrs.outFeatures * cin;
    return n.attrs.bias ? { weight: w, bias: n.attrs.outFeatures } : { weight: w };
  }
  if (n.op === 'batchnorm') {
    const c = n.shape.c;
    return { weight: c, bias: c, mean: c, variance: c };
  }
  return {};
}

function heStd(n: Node, g: Graph): number {
  const cin = g.nodes[n.inputs[0]!]!.shape.c;
  const fanIn = isConv(n) ? (cin / n.attrs.groups) * n.attrs.kernel * n.attrs.kernel : cin;
  return Math.sqrt(2 / fanIn);
}

/** Parameters of every parameterised node, keyed by node id. Deterministic for a given seed. */
export function initParams(g: Graph, seed: number, explicit?: ExplicitParams): Map<number, NodeParams> {
  const out = new Map<number, NodeParams>();
  for (const n of g.nodes) {
    const sizes = paramSizes(n, g);
    if (sizes.weight === undefined) continue;
    const p: NodeParams = {};
    if (n.op === 'batchnorm') {
      p.weight = new Float32Array(sizes.weight).fill(1);
      p.bias = new Float32Array(sizes.weight);
      p.mean = new Float32Array(sizes.weight);
      p.variance = new Float32Array(sizes.weight).fill(1);
    } else {
      p.weight = normalSamples(new Rng(mixSeed(seed, n.id)), sizes.weight, heStd(n, g));
      if (sizes.bias !== undefined) p.bias = new Float32Array(sizes.bias);
    }
    const given = explicit?.get(n.id);
    if (given) {
      for (const key of Object.keys(given) as (keyof NodeParams)[]) {
        const values = given[key];
        if (values === undefined) continue;
        const want = sizes[key];
        if (want === undefined) fail(`node ${n.id} (${n.scope}) has no parameter '${key}'`);
        if (values.length !== want) {
          fail(`node ${n.id} (${n.scope}) parameter '${key}' needs ${want} values, got ${values.length}`);
        }
        p[key] = Float32Array.from(values);
      }
    }
    out.set(n.id, p);
  }
  if (explicit) {
    for (const id of explicit.keys()) {
      if (!out.has(id)) fail(`explicit parameters given for node ${id}, which has no parameters`);
    }
  }
  return out;
}
