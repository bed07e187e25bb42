/**
 * NAS-Bench-201 cell notation: 4 nodes, 6 edges, 5 ops. A cell string lists, for nodes 1..3, the op on
 * each incoming edge as `op~input`, nodes separated by `+`:
 * `|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|`.
 */
import { fail } from '../../errors.js';

/** Op names in code order (code = position). */
export const NB201_OPS = ['none', 'skip_connect', 'nor_conv_1x1', 'nor_conv_3x3', 'avg_pool_3x3'] as const;
export type Nb201Op = (typeof NB201_OPS)[number];

/** Edges in cell-string order: [to, from]. Edge e is decision e. */
export const NB201_EDGES: readonly (readonly [number, number])[] = [
  [1, 0],
  [2, 0],
  [2, 1],
  [3, 0],
  [3, 1],
  [3, 2],
];

const OP_CODE = new Map<string, number>(NB201_OPS.map((op, i) => [op, i]));
const HINT = `expected a cell string like |nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|nor_conv_1x1~1|none~2| with ops ${NB201_OPS.join(', ')}`;

/** Edge op codes (6, in NB201_EDGES order) of a cell string. Strict: every token must be exactly right. */
export function parseCell(text: string): number[] {
  const s = text.trim();
  const groups = s.split('+');
  if (groups.length !== 3) {
    fail(`cell string '${s}' has ${groups.length} node group(s) separated by '+', expected 3`, HINT);
  }
  const codes: number[] = [];
  groups.forEach((group, g) => {
    const node = g + 1;
    if (!group.startsWith('|') || !group.endsWith('|') || group.length < 2) {
      fail(`cell string node ${node} group '${group}' must start and end with '|'`, HINT);
    }
    const tokens = group.slice(1, -1).split('|');
    if (tokens.length !== node) {
      fail(`cell string node ${node} group '${group}' has ${tokens.length} edge(s), expected ${node}`, HINT);
    }
    tokens.forEach((token, input) => {
      const m = /^([a-z0-9_]+)~(\d+)$/.exec(token);
      if (!m) fail(`malformed edge token '${token}' in cell string node ${node}, expected op~input`, HINT);
      const code = OP_CODE.get(m[1]!);
      if (code === undefined) fail(`unknown op '${m[1]}' in edge token '${token}' of cell string node ${node}`, HINT);
      if (Number(m[2]) !== input || m[2] !== String(input)) {
        fail(`edge token '${token}' of cell string node ${node} must read from node ${input} (~${input})`, HINT);
      }
      codes.push(code);
    });
  });
  return codes;
}

/** Cell string of 6 edge op codes. */
export function formatCell(codes: readonly number[]): string {
  let e = 0;
  const groups: string[] = [];
  for (let node = 1; node <= 3; node++) {
    const tokens: string[] = [];
    for (let input = 0; input < node; input++) tokens.push(`${NB201_OPS[codes[e++]!]}~${input}`);
    groups.push(`|${tokens.join('|')}|`);
  }
  return groups.join('+');
}

/**
 * The other cell string of the same network, or null. When edge 2<-1 is `none`, nodes 1 and 2 both read
 * only the input and feed node 3, so swapping them (edges 1<-0 <-> 2<-0, 3<-1 <-> 3<-2) computes the same
 * function with the same ops: two rows of a benchmark that measure one network twice. Null when edge 2<-1
 * carries an op, or when the swap gives the same string.
 */
export function nodeSwapTwin(codes: readonly number[]): number[] | null {
  if (codes[2] !== 0) return null;
  const twin = [codes[1]!, codes[0]!, 0, codes[3]!, codes[5]!, codes[4]!];
  return twin.every((c, e) => c === codes[e]) ? null : twin;
}
