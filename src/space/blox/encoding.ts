/**
 * BLOX arch vectors (BLOX.md §1.1-1.3): per stage `[[op0], [op1, prev, inp, sc]]`, three stages. A stage
 * is handled internally as its five digits `op0 op1 prev inp sc` (the "compact" form) or as its raw index
 * r = op0 + 3·op1 + 9·prev + 18·inp + 36·sc (0..71, BLOX's odometer order, op0 fastest).
 */
import { fail } from '../../errors.js';
import { jsonText } from '../../io/json-text.js';

export const OPS = ['conv', 'mbconv', 'bconv'] as const;
export type OpName = (typeof OPS)[number];
export const STAGES = 3;
export const RAW_PER_STAGE = 72;

/** `[op0, op1, prev, inp, sc]`. */
export type StageDigits = readonly [number, number, number, number, number];
/** BLOX's nested per-stage form `[[op0], [op1, prev, inp, sc]]`. */
export type StageVec = [[number], [number, number, number, number]];

const DIGIT_NAMES = ['op0', 'op1', 'prev', 'inp', 'sc'] as const;
const DIGIT_RADIX = [3, 3, 2, 2, 2] as const;
const SYNTAX_HINT =
  'give an index, an arch vector like [[[0],[1,1,1,1]],[[1],[1,1,0,0]],[[0],[0,1,1,0]]] (or 15 flat ints), a 32-hex model hash or a compact form like 01111_11100_00110';

export function stageRaw(d: StageDigits): number {
  return d[0] + 3 * d[1] + 9 * d[2] + 18 * d[3] + 36 * d[4];
}

export function rawDigits(r: number): StageDigits {
  return [r % 3, Math.floor(r / 3) % 3, Math.floor(r / 9) % 2, Math.floor(r / 18) % 2, Math.floor(r / 36) % 2];
}

/** prev = inp = sc = 0: node 1 has no input and node 0 no consumer, so the cell minimises to nothing. */
export function isEmptyStage(d: StageDigits): boolean {
  return d[2] === 0 && d[3] === 0 && d[4] === 0;
}

export function stageVec(d: StageDigits): StageVec {
  return [[d[0]], [d[1], d[2], d[3], d[4]]];
}

export function compactStage(d: StageDigits): string {
  return d.join('');
}

/** Python-free canonical JSON of an arch vector, e.g. `[[[0],[1,1,1,1]],[[1],[1,1,0,0]],[[0],[0,1,1,0]]]`. */
export function formatArchVec(stages: readonly StageDigits[]): string {
  return JSON.stringify(stages.map(stageVec));
}

/** Python repr as BLOX's CSV files print it: `[[[0], [1, 1, 1, 1]], ...]`. */
export function pythonArchVec(stages: readonly StageDigits[]): string {
  return formatArchVec(stages).replaceAll(',', ', ');
}

function checkDigits(digits: number[], where: string): StageDigits[] {
  const stages: StageDigits[] = [];
  for (let s = 0; s < STAGES; s++) {
    const d = digits.slice(5 * s, 5 * s + 5);
    for (let k = 0; k < 5; k++) {
      const v = d[k]!;
      if (!Number.isInteger(v) || v < 0 || v >= DIGIT_RADIX[k]!) {
        const range = DIGIT_RADIX[k] === 3 ? '0=conv, 1=mbconv, 2=bconv' : '0 or 1';
        fail(`${where}: stage ${s} ${DIGIT_NAMES[k]} = ${jsonText(v)} is out of range`, `allowed: ${range}`);
      }
    }
    const sd = d as unknown as StageDigits;
    if (isEmptyStage(sd)) {
      fail(
        `${where}: stage ${s} ${JSON.stringify(stageVec(sd))} is an empty cell (prev = inp = sc = 0 leaves no path through it)`,
        'set at least one of prev, inp, sc to 1',
      );
    }
    stages.push(sd);
  }
  return stages;
}

/**
 * Parse an arch vector from JSON: nested `[[[op0],[op1,prev,inp,sc]] x3]` or 15 flat ints. Any valid raw
 * configuration is accepted (not only class representatives).
 */
export function parseArchVecJson(text: string): StageDigits[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    fail(`malformed BLOX arch vector JSON '${text}'`, SYNTAX_HINT);
  }
  if (!Array.isArray(v)) fail(`BLOX arch vector '${text}' is not a JSON array`, SYNTAX_HINT);
  let flat: unknown[];
  if (v.length === 15 && v.every((x) => typeof x === 'number')) flat = v;
  else if (v.length === STAGES) {
    flat = [];
    v.forEach((stage, s) => {
      const ok =
        Array.isArray(stage) &&
        stage.length === 2 &&
        Array.isArray(stage[0]) &&
        stage[0].length === 1 &&
        Array.isArray(stage[1]) &&
        stage[1].length === 4;
      if (!ok) {
        fail(`BLOX arch vector '${text}': stage ${s} is not of the form [[op0],[op1,prev,inp,sc]]`, SYNTAX_HINT);
      }
      flat.push(stage[0][0], ...stage[1]);
    });
  } else {
    fail(`BLOX arch vector '${text}' needs 3 stages [[op0],[op1,prev,inp,sc]] or 15 flat ints`, SYNTAX_HINT);
  }
  return checkDigits(flat as number[], `BLOX arch vector ${text}`);
}

/** Parse the compact form `01111_11100_00110` (per stage `op0 op1 prev inp sc`, stages joined by `_`). */
export function parseCompact(text: string): StageDigits[] {
  if (!/^\d{5}_\d{5}_\d{5}$/.test(text)) fail(`malformed BLOX compact form '${text}'`, SYNTAX_HINT);
  const digits = text
    .replaceAll('_', '')
    .split('')
    .map((c) => Number(c));
  return checkDigits(digits, `BLOX compact form ${text}`);
}

export const COMPACT_RE = /^\d{5}_\d{5}_\d{5}$/;
export const HASH_RE = /^[0-9a-fA-F]{32}$/;
export { SYNTAX_HINT };
