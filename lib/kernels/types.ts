/**
 * The kernel contract: block math on row-major typed arrays, implemented once in C (system or built-in BLAS,
 * `native`) and once in TypeScript (`js`, the reference). Kernels know nothing of tasks or ds-arrays.
 *
 * @packageDocumentation
 */

/** A dense floating-point buffer. All matrices are row-major and contiguous. */
export type FloatArray = Float64Array | Float32Array;

/** Name of a kernel backend. */
export type BackendName = 'native' | 'js';

/** Result of {@link Kernels.kmeansStep}: per-center sums and counts plus the inertia of one block. */
export interface KMeansStepResult {
  /** k x d row-major sums of the points assigned to each center (always Float64 for exact reduction). */
  sums: Float64Array;
  /** Number of points assigned to each center (length k). */
  counts: Float64Array;
  /** Sum of squared distances of each point to its nearest center. */
  inertia: number;
}

/** Result of {@link Kernels.parseCsv}: a dense row-major matrix of parsed numbers. */
export interface CsvParseResult {
  values: Float64Array;
  rows: number;
  cols: number;
}

/**
 * Where a CSV parse failed. 1-based line and column (column counts fields, not bytes) relative to the
 * parsed range; the loader adds the range's first line number. For `'usecols'` (a line lacks a field
 * that `usecols` names) `column` is the 1-based position of that entry in `usecols`.
 */
export interface CsvParseFailure {
  error: 'ragged' | 'non-numeric' | 'empty' | 'usecols';
  line: number;
  column: number;
  expected: string;
  found: string;
}

/** Options of {@link Kernels.parseCsv}. */
export interface CsvParseOptions {
  /**
   * Comment markers, each a non-empty byte string without CR or LF: a line ends at the first marker in
   * it (numpy.loadtxt's `comments`). A line that is blank up to it counts as a blank line.
   */
  readonly comments?: readonly Uint8Array[];
  /**
   * The fields to return, in this order (repeats allowed); a negative index counts from the end of each
   * line, as numpy.loadtxt's `usecols`. Lines may then have any number of fields, and the fields not
   * named are not parsed. Non-empty.
   */
  readonly usecols?: Int32Array;
}

/** Every kernel of a backend. Shapes are passed explicitly; outputs are freshly allocated unless named `out`. */
export interface Kernels {
  readonly name: BackendName;

  /** C = alpha * op(A) * op(B) + beta * C, op(A) is m x k, op(B) is k x n, C is m x n (all row-major, dense). */
  gemm(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    alpha: number, a: FloatArray, b: FloatArray, beta: number, c: FloatArray,
  ): void;

  /** Squared Euclidean norm of each of the n rows of the n x d matrix x. */
  rowSqNorms(x: FloatArray, n: number, d: number): Float64Array;

  /**
   * One fused Lloyd step over a block: nearest center of each of the n rows of x (n x d) among the
   * k centers (k x d, same dtype as x) through norms + GEMM in cache-sized chunks (never an n x k
   * matrix), accumulating per-center sums and counts and the inertia. When `labels` is given it is
   * filled with the index of the nearest center (ties go to the lowest index).
   */
  kmeansStep(x: FloatArray, n: number, d: number, centers: FloatArray, k: number, labels?: Int32Array): KMeansStepResult;

  /** n x m matrix of squared Euclidean distances between the rows of x (n x d) and y (m x d). */
  pairwiseSqDist(x: FloatArray, n: number, y: FloatArray, m: number, d: number): Float64Array;

  /** Thin QR of the m x n matrix a (m >= n): q is m x n with orthonormal columns, r is n x n upper triangular. */
  qr(a: Float64Array, m: number, n: number): { q: Float64Array; r: Float64Array };

  /** Thin SVD of the m x n matrix a: u is m x p, s has p singular values descending, vt is p x n, p = min(m, n). */
  svd(a: Float64Array, m: number, n: number): { u: Float64Array; s: Float64Array; vt: Float64Array };

  /** Eigen-decomposition of the symmetric n x n matrix a: ascending eigenvalues w, eigenvectors as columns of v (n x n). */
  eigh(a: Float64Array, n: number): { w: Float64Array; v: Float64Array };

  /** Lower Cholesky factor L (n x n, a = L L^T) of a symmetric positive definite matrix. Throws if not SPD. */
  cholesky(a: Float64Array, n: number): Float64Array;

  /** Least-squares solution X (n x r) of min ||A X - B|| for A m x n (m >= n, full rank) and B m x r. */
  lstsq(a: Float64Array, m: number, n: number, b: Float64Array, r: number): Float64Array;

  /**
   * Parse bytes [start, end) of a numeric delimited text. Every field gives exactly the double that
   * `Number.parseFloat` gives for it; `nan`, `NaN`, `inf`, `-inf`, `Infinity` as numpy writes them.
   * Handles CRLF and blank last lines (blank lines, or lines blank up to a comment, may only close the
   * range). Returns a failure (never throws, never NaN-fills) on ragged rows, non-numeric or empty
   * fields, or a line without a field that `usecols` names.
   */
  parseCsv(bytes: Uint8Array, start: number, end: number, delimiter: number, options?: CsvParseOptions): CsvParseResult | CsvParseFailure;

  /**
   * Fills `out` (rows x cols, row-major) with rows `[row0, row0 + rows)` and columns `[col0, col0 + cols)`
   * of the infinite uniform [0, 1) matrix of `seed` (Philox4x32-10, counter-based: each value depends only
   * on the seed and its (row, column), so any block decomposition gives the same bits; mapping documented
   * in lib/kernels/js/random.ts). A Float64Array gets 53 random bits per value, a Float32Array 24.
   * `seed`, `row0` and `col0` are non-negative safe integers, and so are `row0 + rows` and `col0 + cols`.
   */
  uniformFill(seed: number, row0: number, col0: number, rows: number, cols: number, out: FloatArray): void;
}
