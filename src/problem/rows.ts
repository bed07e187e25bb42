/**
 * Rows of a closed problem's objective matrix (n x m, row-major, minimised): picking rows, the indices a
 * mask keeps, and the true Pareto front among some rows.
 */
import { fail } from '../errors.js';
import { paretoFrontIndices } from '../pareto/index.js';

/** Rows `rows` of a table (n x m) as a compact array. */
export function pickRows(objectives: Float64Array, m: number, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length * m);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]! * m;
    for (let o = 0; o < m; o++) out[i * m + o] = objectives[r + o]!;
  }
  return out;
}

/** Indices where the mask holds 1, ascending. */
export function maskIndices(mask: Uint8Array): Int32Array {
  let k = 0;
  for (let i = 0; i < mask.length; i++) k += mask[i]!;
  const out = new Int32Array(k);
  k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === 1) out[k++] = i;
  return out;
}

/** Indices of the true Pareto front among the rows of `objectives` whose values are all finite. */
export function trueFront(objectives: Float64Array, m: number, among?: ArrayLike<number>): Int32Array {
  const n = objectives.length / m;
  const rows: number[] = [];
  const count = among ? among.length : n;
  for (let i = 0; i < count; i++) {
    const r = among ? among[i]! : i;
    let ok = true;
    for (let o = 0; o < m && ok; o++) ok = Number.isFinite(objectives[r * m + o]!);
    if (ok) rows.push(r);
  }
  if (rows.length === 0) fail('no architecture has finite values for every objective');
  const local = paretoFrontIndices(pickRows(objectives, m, rows), m);
  return Int32Array.from(local, (i) => rows[i]!);
}
