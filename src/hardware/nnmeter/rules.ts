/**
 * nn-Meter's fusion rules (`fusion_rules.json` of a predictor package) as its RuleReader reads them
 * (shared/reference/nn-meter.md 2.3): every `BF_<a>_<b>` rule whose `obey` is truthy (Python truthiness)
 * makes the ordered pair (a, b) fusible; every `BF_<a>_<b>_<c>...` rule with a truthy `obey` becomes a chain
 * fusion unit `a-b-c`; `MON` (default 0) says whether a node with several consumers fuses downstream.
 * The built-in multi-op units follow (se, hswish, channelshuffle, gap), as nn-Meter's fusion library
 * defines them after alias conversion (`dummy` matches any node and is not fused; note the SE pattern with
 * `BiasAdd`, a TensorFlow type that nn-Meter's alias table spells `Biasadd` and so never converts).
 */
import { fail } from '../../errors.js';

/** A pattern: node types and edges [from, to] (node-induced: no other edges among matched nodes). */
export interface FusionPattern {
  types: string[];
  edges: [number, number][];
}

export interface FusionUnit {
  /** Type of the node a match collapses into (`se`, `conv-bn-relu`, ...). */
  name: string;
  patterns: FusionPattern[];
}

/** How a node with several consumers fuses: `single` (MON 0: never), `first` (MON 1), `all` (other values). */
export type MonMode = 'single' | 'first' | 'all';

export interface FusionRules {
  /** Fusible pairs as `a b`. */
  pairs: Set<string>;
  /** Chain units from the rules file (file order), then the built-in units. */
  units: FusionUnit[];
  mon: MonMode;
}

function chain(types: string[]): FusionPattern {
  return { types, edges: types.slice(1).map((_, i) => [i, i + 1] as [number, number]) };
}

/** nn-Meter's fusion library (se, hswish, channelshuffle, gap units), types after alias conversion. */
export const BUILTIN_UNITS: FusionUnit[] = [
  {
    name: 'se',
    patterns: [
      {
        // dummy, avgpool, conv, BiasAdd, relu, conv, BiasAdd, add, relu(Relu6), mul, mul(x input)
        types: ['dummy', 'avgpool', 'conv', 'BiasAdd', 'relu', 'conv', 'BiasAdd', 'add', 'relu', 'mul', 'mul'],
        edges: [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
          [4, 5],
          [5, 6],
          [6, 7],
          [7, 8],
          [8, 9],
          [9, 10],
          [0, 10],
        ],
      },
      {
        // dummy, gap, conv, relu, conv, hardsigmoid, mul(x input)
        types: ['dummy', 'gap', 'conv', 'relu', 'conv', 'hardsigmoid', 'mul'],
        edges: [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
          [4, 5],
          [0, 6],
          [5, 6],
        ],
      },
      {
        // gap, gap (two ReduceMeans), conv, relu, conv, add, relu(Clip), div, mul(conv, div), mul
        types: ['gap', 'gap', 'conv', 'relu', 'conv', 'add', 'relu', 'div', 'mul', 'mul'],
        edges: [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
          [4, 5],
          [5, 6],
          [6, 7],
          [4, 8],
          [7, 8],
          [8, 9],
        ],
      },
    ],
  },
  {
    name: 'hswish',
    patterns: [
      {
        // dummy, add, relu(Relu6), mul, mul(x input)
        types: ['dummy', 'add', 'relu', 'mul', 'mul'],
        edges: [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 4],
          [0, 4],
        ],
      },
      {
        // dummy, add, relu(Clip), div, mul(x input)
        types: ['dummy', 'add', 'relu', 'div', 'mul'],
        edges: [
          [0, 1],
          [1, 2],
          [2, 3],
          [0, 4],
          [3, 4],
        ],
      },
      chain(['add', 'relu', 'mul', 'mul']),
    ],
  },
  { name: 'channelshuffle', patterns: [chain(['reshape', 'transpose', 'reshape'])] },
  { name: 'gap', patterns: [chain(['gap', 'reshape'])] },
];

/** Python truthiness of a JSON value. */
function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

/** Rules from the parsed `fusion_rules.json` (`name` for error messages). */
export function readFusionRules(json: unknown, name: string): FusionRules {
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    fail(`${name}: fusion rules must be a JSON object of rules`, 'e.g. {"BF_conv_relu": {"obey": true}, ...}');
  const pairs = new Set<string>();
  const units: FusionUnit[] = [];
  let mon: MonMode = 'single';
  for (const [rule, body] of Object.entries(json as Record<string, unknown>)) {
    if (body === null || typeof body !== 'object' || !('obey' in body))
      fail(`${name}: rule ${rule} has no "obey"`, 'each rule is {"obey": true|false|null, ...} as nn-Meter writes it');
    const obey = (body as { obey: unknown }).obey;
    if (rule === 'MON' && obey !== null) {
      // RuleReader compares the raw value with 0 and 1 (False == 0, True == 1 in Python).
      mon = obey === 0 || obey === false ? 'single' : obey === 1 || obey === true ? 'first' : 'all';
    }
    if (!rule.startsWith('BF') || !truthy(obey)) continue;
    const ops = rule.split('_').slice(1);
    if (ops.length === 2) pairs.add(`${ops[0]} ${ops[1]}`);
    else if (ops.length > 2) units.push({ name: ops.join('-'), patterns: [chain(ops)] });
  }
  return { pairs, units: [...units, ...BUILTIN_UNITS], mon };
}
