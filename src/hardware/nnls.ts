/**
 * Non-negative least squares, min ||A x - b|| subject to x >= 0 (Lawson & Hanson 1974, the active-set
 * algorithm scipy.optimize.nnls implements). Small dense problems only: the calibration and few-shot
 * fits have at most a dozen unknowns. A is row-major, m x n.
 */

/** Unconstrained least squares on the columns in `passive` (normal equations, Cholesky-free Gauss-Jordan). */
function lsqSubset(A: Float64Array, b: ArrayLike<number>, m: number, n: number, passive: boolean[]): Float64Array {
  const idx: number[] = [];
  for (let j = 0; j < n; j++) if (passive[j]) idx.push(j);
  const k = idx.length;
  const M = new Float64Array(k * (k + 1));
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += A[i * n + idx[r]!]! * A[i * n + idx[c]!]!;
      M[r * (k + 1) + c] = s;
    }
    let s = 0;
    for (let i = 0; i < m; i++) s += A[i * n + idx[r]!]! * b[i]!;
    M[r * (k + 1) + k] = s;
  }
  // Gauss-Jordan with partial pivoting; a tiny ridge keeps collinear columns solvable.
  for (let r = 0; r < k; r++) M[r * (k + 1) + r] += 1e-12 * (M[r * (k + 1) + r]! + 1e-300);
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(M[r * (k + 1) + c]!) > Math.abs(M[piv * (k + 1) + c]!)) piv = r;
    if (piv !== c) {
      for (let j = 0; j <= k; j++) {
        const t = M[c * (k + 1) + j]!;
        M[c * (k + 1) + j] = M[piv * (k + 1) + j]!;
        M[piv * (k + 1) + j] = t;
      }
    }
    const d = M[c * (k + 1) + c]!;
    if (d === 0) continue;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = M[r * (k + 1) + c]! / d;
      if (f === 0) continue;
      for (let j = c; j <= k; j++) M[r * (k + 1) + j] -= f * M[c * (k + 1) + j]!;
    }
  }
  const z = new Float64Array(n);
  for (let r = 0; r < k; r++) {
    const d = M[r * (k + 1) + r]!;
    z[idx[r]!] = d === 0 ? 0 : M[r * (k + 1) + k]! / d;
  }
  return z;
}

export function nnls(A: Float64Array, b: ArrayLike<number>, m: number, n: number, maxIter = 30 * n + 30): Float64Array {
  const x = new Float64Array(n);
  const passive = new Array<boolean>(n).fill(false);
  const w = new Float64Array(n);
  const gradient = () => {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) {
        let r = b[i]!;
        for (let l = 0; l < n; l++) r -= A[i * n + l]! * x[l]!;
        s += A[i * n + j]! * r;
      }
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
      const z = lsqSubset(A, b, m, n, passive);
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
 * min sum_i w_i (A_i x - b_i)^2 + lambda * sum_j (x_j - prior_j)^2, x >= 0: NNLS on the system augmented
 * with sqrt(lambda) * identity rows. Used to pull under-determined fits towards physical priors.
 */
export function nnlsWithPrior(
  A: Float64Array,
  b: ArrayLike<number>,
  m: number,
  n: number,
  prior: ArrayLike<number>,
  lambda: number,
): Float64Array {
  const rows = m + n;
  const AA = new Float64Array(rows * n);
  const bb = new Float64Array(rows);
  AA.set(A.subarray(0, m * n));
  for (let i = 0; i < m; i++) bb[i] = b[i]!;
  const s = Math.sqrt(lambda);
  for (let j = 0; j < n; j++) {
    AA[(m + j) * n + j] = s;
    bb[m + j] = s * prior[j]!;
  }
  return nnls(AA, bb, rows, n);
}
