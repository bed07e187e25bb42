/**
 * Non-negative least squares, min ||A x - b|| subject to x >= 0 (Lawson & Hanson 1974, the active-set
 * algorithm scipy.optimize.nnls implements). Small dense problems only: the calibration and few-shot
 * fits have at most a dozen unknowns. A is row-major, m x n.
 */

/**
 * Unconstrained least squares on the columns in `passive`, from the normal equations G = A^T A, c = A^T b
 * (Gauss-Jordan, no Cholesky).
 */
function lsqSubset(G: Float64Array, c: Float64Array, n: number, passive: boolean[]): Float64Array {
  const idx: number[] = [];
  for (let j = 0; j < n; j++) if (passive[j]) idx.push(j);
  const k = idx.length;
  const M = new Float64Array(k * (k + 1));
  for (let r = 0; r < k; r++) {
    for (let q = 0; q < k; q++) M[r * (k + 1) + q] = G[idx[r]! * n + idx[q]!]!;
    M[r * (k + 1) + k] = c[idx[r]!]!;
  }
  // Gauss-Jordan with partial pivoting; a tiny ridge keeps collinear columns solvable.
  for (let r = 0; r < k; r++) M[r * (k + 1) + r] += 1e-12 * (M[r * (k + 1) + r]! + 1e-300);
  for (let col = 0; col < k; col++) {
    let piv = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(M[r * (k + 1) + col]!) > Math.abs(M[piv * (k + 1) + col]!)) piv = r;
    if (piv !== col) {
      for (let j = 0; j <= k; j++) {
        const t = M[col * (k + 1) + j]!;
        M[col * (k + 1) + j] = M[piv * (k + 1) + j]!;
        M[piv * (k + 1) + j] = t;
      }
    }
    const d = M[col * (k + 1) + col]!;
    if (d === 0) continue;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = M[r * (k + 1) + col]! / d;
      if (f === 0) continue;
      for (let j = col; j <= k; j++) M[r * (k + 1) + j] -= f * M[col * (k + 1) + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let r = 0; r < k; r++) {
    const d = M[r * (k + 1) + r]!;
    z[idx[r]!] = d === 0 ? 0 : M[r * (k + 1) + k]! / d;
  }
  return z;
}

/**
 * Active-set NNLS. The normal equations (A^T A, A^T b) are formed once, so each iteration costs O(n^3)
 * whatever the number of rows: leave-one-out few-shot fits solve thousands of these.
 */
export function nnls(A: Float64Array, b: ArrayLike<number>, m: number, n: number, maxIter = 30 * n + 30): Float64Array {
  const G = new Float64Array(n * n);
  const c = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let q = r; q < n; q++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += A[i * n + r]! * A[i * n + q]!;
      G[r * n + q] = s;
      G[q * n + r] = s;
    }
    let s = 0;
    for (let i = 0; i < m; i++) s += A[i * n + r]! * b[i]!;
    c[r] = s;
  }
  const x = new Float64Array(n);
  const passive = new Array<boolean>(n).fill(false);
  const w = new Float64Array(n);
  // Gradient of -1/2 ||Ax - b||^2: A^T (b - A x) = c - G x.
  const gradient = () => {
    for (let j = 0; j < n; j++) {
      let s = c[j]!;
      for (let l = 0; l < n; l++) s -= G[j * n + l]! * x[l]!;
      w[j] = s;
    }
  };
  let scale = 0;
  for (let i = 0; i < m * n; i++) scale = Math.max(scale, Math.abs(A[i]!));
  const tol = 1e-10 * Math.max(1, scale) * Math.max(m, n);
  for (let iter = 0; iter < maxIter; iter++) {
    gradient();
    let best = -1;
    for (let j = 0; j < n; j++) if (!passive[j] && w[j]! > tol && (best < 0 || w[j]! > w[best]!)) best = j;
    if (best < 0) break;
    passive[best] = true;
    for (let inner = 0; inner < 3 * n; inner++) {
      const z = lsqSubset(G, c, n, passive);
      let ok = true;
      for (let j = 0; j < n; j++) if (passive[j] && z[j]! <= 0) ok = false;
      if (ok) {
        x.set(z);
        break;
      }
      let alpha = Infinity;
      for (let j = 0; j < n; j++) {
        if (passive[j] && z[j]! <= 0) alpha = Math.min(alpha, x[j]! / (x[j]! - z[j]!));
      }
      for (let j = 0; j < n; j++) {
        x[j] += alpha * (z[j]! - x[j]!);
        if (passive[j] && x[j]! <= 1e-15) {
          passive[j] = false;
          x[j] = 0;
        }
      }
    }
  }
  return x;
}

/**
 * min sum_i (A_i x - b_i)^2 + lambda * sum_j p_j (x_j - prior_j)^2, x >= 0: NNLS on the system augmented
 * with sqrt(lambda * p_j) rows. Pulls under-determined fits towards physical (or learned) priors; the
 * per-coordinate precisions p (default 1) let a prior be firm where devices agree and loose where not.
 */
export function nnlsWithPrior(
  A: Float64Array,
  b: ArrayLike<number>,
  m: number,
  n: number,
  prior: ArrayLike<number>,
  lambda: number,
  precision?: ArrayLike<number>,
): Float64Array {
  const rows = m + n;
  const AA = new Float64Array(rows * n);
  const bb = new Float64Array(rows);
  AA.set(A.subarray(0, m * n));
  for (let i = 0; i < m; i++) bb[i] = b[i]!;
  for (let j = 0; j < n; j++) {
    const s = Math.sqrt(lambda * (precision ? precision[j]! : 1));
    AA[(m + j) * n + j] = s;
    bb[m + j] = s * prior[j]!;
  }
  return nnls(AA, bb, rows, n);
}
