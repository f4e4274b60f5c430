/**
 * Dense factorisations in TypeScript on row-major Float64 matrices: Householder QR (and least squares
 * through it), Cholesky, and SVD / symmetric eigen-decomposition through ml-matrix (JAMA's Golub-Kahan SVD
 * and Householder tridiagonalisation + QL), which are accurate and fast enough for the small dense
 * matrices that reach these kernels (d x d covariances, n x d blocks of tall-skinny QR).
 *
 * @packageDocumentation
 */
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { ParameterError } from '../../errors.js';

/** Householder vectors (column j of v holds v_j in rows j..m-1, unit norm or zero) and the reduced matrix. */
interface Householder {
  /** m x n: upper triangle is R. */
  r: Float64Array;
  /** m x n Householder vectors by column. */
  v: Float64Array;
}

/**
 * Apply H = I - 2 v v^T (v = column j of `v`, rows j..m-1) to columns [c0, c1) of the m x cols matrix `a`,
 * row by row so that both passes stream through memory.
 */
function reflect(v: Float64Array, n: number, j: number, m: number, a: Float64Array, cols: number, c0: number, c1: number, w: Float64Array): void {
  w.fill(0, c0, c1);
  for (let i = j; i < m; i++) {
    const vi = v[i * n + j]!;
    if (vi === 0) continue;
    for (let c = c0, o = i * cols; c < c1; c++) w[c] = w[c]! + vi * a[o + c]!;
  }
  for (let i = j; i < m; i++) {
    const vi = 2 * v[i * n + j]!;
    if (vi === 0) continue;
    for (let c = c0, o = i * cols; c < c1; c++) a[o + c] = a[o + c]! - vi * w[c]!;
  }
}

/** Householder reduction of the m x n matrix a (m >= n) to upper triangular form. */
function householder(a: Float64Array, m: number, n: number): Householder {
  const r = Float64Array.from(a);
  const v = new Float64Array(m * n);
  const w = new Float64Array(Math.max(n, 1));
  for (let j = 0; j < n; j++) {
    let norm2 = 0;
    for (let i = j; i < m; i++) norm2 += r[i * n + j]! ** 2;
    if (norm2 === 0) continue;
    const x0 = r[j * n + j]!;
    // alpha has the opposite sign of x0 so that x0 - alpha does not cancel.
    const alpha = x0 >= 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2);
    const vNorm = Math.sqrt(norm2 - x0 * x0 + (x0 - alpha) ** 2);
    v[j * n + j] = (x0 - alpha) / vNorm;
    for (let i = j + 1; i < m; i++) v[i * n + j] = r[i * n + j]! / vNorm;
    reflect(v, n, j, m, r, n, j, n, w);
    // Exact zeros below the diagonal (the reflection leaves rounding noise there).
    r[j * n + j] = alpha;
    for (let i = j + 1; i < m; i++) r[i * n + j] = 0;
  }
  return { r, v };
}

/** Thin QR of the m x n matrix a (m >= n): q (m x n, orthonormal columns) and upper triangular r (n x n). */
export function qr(a: Float64Array, m: number, n: number): { q: Float64Array; r: Float64Array } {
  const h = householder(a, m, n);
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  const w = new Float64Array(Math.max(n, 1));
  // Q = H_0 ... H_{n-1} [I; 0]; H_j only touches rows and columns j.. of the partial product.
  for (let j = n - 1; j >= 0; j--) reflect(h.v, n, j, m, q, n, j, n, w);
  return { q, r: h.r.slice(0, n * n) };
}

/** Lower Cholesky factor of the SPD matrix a (only its lower triangle is read). */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j]!;
    for (let t = 0; t < j; t++) s -= l[j * n + t]! ** 2;
    if (!(s > 0)) {
      throw new ParameterError('a', `matrix is not symmetric positive definite (leading minor of order ${j + 1} is not positive)`, {
        minor: j + 1,
      });
    }
    const d = Math.sqrt(s);
    l[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let u = a[i * n + j]!;
      for (let t = 0; t < j; t++) u -= l[i * n + t]! * l[j * n + t]!;
      l[i * n + j] = u / d;
    }
  }
  return l;
}

/**
 * Least squares min ||A X - B|| by Householder QR: X = R^-1 (Q^T B)[:n]. A diagonal element of R that is
 * zero relative to the largest one (|r_ii| <= n eps max |r_jj|) means A is rank deficient.
 */
export function lstsq(a: Float64Array, m: number, n: number, b: Float64Array, r: number): Float64Array {
  const h = householder(a, m, n);
  let rmax = 0;
  for (let i = 0; i < n; i++) rmax = Math.max(rmax, Math.abs(h.r[i * n + i]!));
  const tol = n * Number.EPSILON * rmax;
  for (let i = 0; i < n; i++) {
    if (!(Math.abs(h.r[i * n + i]!) > tol)) {
      throw new ParameterError('a', `matrix is rank deficient (diagonal element ${i + 1} of R is numerically zero)`, { info: i + 1 });
    }
  }
  const qtb = Float64Array.from(b);
  const w = new Float64Array(Math.max(r, 1));
  for (let j = 0; j < n; j++) reflect(h.v, n, j, m, qtb, r, 0, r, w);
  const x = qtb.slice(0, n * r);
  for (let i = n - 1; i >= 0; i--) {
    const rii = h.r[i * n + i]!;
    for (let c = 0; c < r; c++) {
      let s = x[i * r + c]!;
      for (let t = i + 1; t < n; t++) s -= h.r[i * n + t]! * x[t * r + c]!;
      x[i * r + c] = s / rii;
    }
  }
  return x;
}

function toMatrix(a: Float64Array, m: number, n: number): Matrix {
  const out = new Matrix(m, n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out.set(i, j, a[i * n + j]!);
  return out;
}

/** The first `cols` columns of `a` as a row-major Float64Array. */
function fromMatrix(a: Matrix, cols = a.columns): Float64Array {
  const out = new Float64Array(a.rows * cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = a.get(i, j);
  return out;
}

/** Thin SVD of the m x n matrix a: u (m x p), s (p, descending), vt (p x n), p = min(m, n). */
export function svd(a: Float64Array, m: number, n: number): { u: Float64Array; s: Float64Array; vt: Float64Array } {
  const p = Math.min(m, n);
  if (p === 0) return { u: new Float64Array(0), s: new Float64Array(0), vt: new Float64Array(0) };
  const dec = new SingularValueDecomposition(toMatrix(a, m, n), {
    computeLeftSingularVectors: true,
    computeRightSingularVectors: true,
    autoTranspose: true,
  });
  return {
    u: fromMatrix(dec.leftSingularVectors, p),
    s: Float64Array.from(dec.diagonal.slice(0, p)),
    vt: transpose(fromMatrix(dec.rightSingularVectors, p), n, p),
  };
}

function transpose(a: Float64Array, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = a[i * n + j]!;
  return out;
}

/** Symmetric eigen-decomposition: ascending eigenvalues w and eigenvectors as the columns of v. */
export function eigh(a: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  if (n === 0) return { w: new Float64Array(0), v: new Float64Array(0) };
  const dec = new EigenvalueDecomposition(toMatrix(a, n, n), { assumeSymmetric: true });
  return { w: Float64Array.from(dec.realEigenvalues), v: fromMatrix(dec.eigenvectorMatrix) };
}
