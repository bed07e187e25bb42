/**
 * Least-squares additive latency model over a per-architecture table: latency(arch) ~ sum over decisions
 * of block[d][code_d]. Design: intercept + one-hot per (decision, choice) with one reference choice per
 * decision dropped (the full one-hot plus intercept is rank-deficient); rows with NaN are skipped. The
 * normal equations X'X b = X'y are accumulated sparsely (each row touches 1 + D entries) and solved by a
 * Cholesky factorisation after symmetric Jacobi scaling (unit diagonal), which keeps the condition number
 * of these count matrices small.
 *
 * Identifiability: only within-decision differences and the total are determined by data; the split of
 * the constant between decisions (and a fixed part such as stem and head) is not. Convention: the fitted
 * constant is shared equally by the decisions, i.e. block[d][c] = effect[d][c] - mean_c effect[d][c] + T/D,
 * so that sum_d block[d][code_d] reproduces every fitted value exactly. See docs/pruning.md.
 */
import { fail } from '../errors.js';

export interface AdditiveFit {
  /** Block latency per decision and choice (same unit as the table). */
  blocks: number[][];
  /** Fitted total constant T (shared equally by the decisions in `blocks`). */
  constant: number;
  /** Coefficient of determination over the rows used. 1 = the table is exactly additive. */
  r2: number;
  /** Root-mean-square residual. */
  rmse: number;
  /** Rows used (finite values). */
  rows: number;
}

export function fitAdditive(values: Float64Array, radix: readonly number[]): AdditiveFit {
  const D = radix.length;
  let size = 1;
  for (const r of radix) size *= r;
  if (values.length !== size) fail(`latency table has ${values.length} rows, the space has ${size} architectures`);
  const codes = new Int32Array(D);
  // pass 1: how often each choice occurs, to pick a present reference choice per decision
  const seen = radix.map((r) => new Float64Array(r));
  let rows = 0;
  forEachRow(values, radix, codes, () => {
    rows++;
    for (let d = 0; d < D; d++) seen[d]![codes[d]!]!++;
  });
  for (let d = 0; d < D; d++) {
    const missing = seen[d]!.indexOf(0);
    if (missing >= 0)
      fail(
        `the latency table has no finite value with choice ${missing} of decision ${d}`,
        'cannot estimate that block',
      );
  }
  // column of (d, c): -1 for the reference choice (code 0); the intercept is column 0
  const col = radix.map(() => [] as number[]);
  let p = 1;
  for (let d = 0; d < D; d++) for (let c = 0; c < radix[d]!; c++) col[d]![c] = c === 0 ? -1 : p++;
  if (rows < p) fail(`the additive latency fit needs at least ${p} finite rows, the table has ${rows}`);
  const A = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const active = new Int32Array(D + 1);
  let mean = 0;
  forEachRow(values, radix, codes, (y) => {
    let k = 0;
    active[k++] = 0;
    for (let d = 0; d < D; d++) {
      const j = col[d]![codes[d]!]!;
      if (j >= 0) active[k++] = j;
    }
    for (let u = 0; u < k; u++) {
      const i = active[u]!;
      rhs[i]! += y;
      for (let v = 0; v < k; v++) A[i * p + active[v]!]! += 1;
    }
    mean += y;
  });
  mean /= rows;
  const beta = solveSpd(A, rhs, p);
  // effects with the reference choice at 0, centred per decision, constant shared equally
  let total = beta[0]!;
  const effects = radix.map((r, d) => Array.from({ length: r }, (_, c) => (c === 0 ? 0 : beta[col[d]![c]!]!)));
  const centred = effects.map((e) => {
    const mu = e.reduce((s, v) => s + v, 0) / e.length;
    total += mu;
    return e.map((v) => v - mu);
  });
  const blocks = centred.map((e) => e.map((v) => v + total / D));
  let ssRes = 0;
  let ssTot = 0;
  forEachRow(values, radix, codes, (y) => {
    let f = 0;
    for (let d = 0; d < D; d++) f += blocks[d]![codes[d]!]!;
    ssRes += (y - f) ** 2;
    ssTot += (y - mean) ** 2;
  });
  const r2 = ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
  return { blocks, constant: total, r2, rmse: Math.sqrt(ssRes / rows), rows };
}

/** Calls fn(value) for every finite row with `codes` holding that row's codes (odometer, first decision fastest). */
function forEachRow(values: Float64Array, radix: readonly number[], codes: Int32Array, fn: (y: number) => void): void {
  codes.fill(0);
  for (let i = 0; i < values.length; i++) {
    const y = values[i]!;
    if (Number.isFinite(y)) fn(y);
    for (let d = 0; d < radix.length; d++) {
      if (++codes[d]! < radix[d]!) break;
      codes[d] = 0;
    }
  }
}

/** Solve A x = b for symmetric positive definite A (p x p, row-major) by scaled Cholesky. */
export function solveSpd(A: Float64Array, b: Float64Array, p: number): Float64Array {
  const s = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    const a = A[i * p + i]!;
    if (!(a > 0)) fail('the additive latency fit is singular (a choice never occurs)');
    s[i] = 1 / Math.sqrt(a);
  }
  const L = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i * p + j]! * s[i]! * s[j]!;
      for (let k = 0; k < j; k++) sum -= L[i * p + k]! * L[j * p + k]!;
      if (i === j) {
        if (!(sum > 1e-12))
          fail(
            'the additive latency fit is singular: some choices always occur together',
            'measure more varied architectures',
          );
        L[i * p + i] = Math.sqrt(sum);
      } else {
        L[i * p + j] = sum / L[j * p + j]!;
      }
    }
  }
  const y = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let sum = b[i]! * s[i]!;
    for (let k = 0; k < i; k++) sum -= L[i * p + k]! * y[k]!;
    y[i] = sum / L[i * p + i]!;
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < p; k++) sum -= L[k * p + i]! * x[k]!;
    x[i] = sum / L[i * p + i]!;
  }
  for (let i = 0; i < p; i++) x[i]! *= s[i]!;
  return x;
}
