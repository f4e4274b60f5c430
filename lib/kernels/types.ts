/**
 * Data types of the kernel contract (contract.ts): block math on row-major typed arrays, implemented once in
 * C (system or built-in BLAS, `native`) and once in TypeScript (`js`, the reference). Kernels know nothing
 * of tasks or ds-arrays.
 *
 * @packageDocumentation
 */

/** A dense floating-point buffer. All matrices are row-major and contiguous. */
export type FloatArray = Float64Array | Float32Array;

/** Name of a kernel backend. */
export type BackendName = 'native' | 'js';

/** Result of the `cluster.kmeansStep` kernel: per-center sums and counts plus the inertia of one block. */
export interface KMeansStepResult {
  /** k x d row-major sums of the points assigned to each center (always Float64 for exact reduction). */
  sums: Float64Array;
  /** Number of points assigned to each center (length k). */
  counts: Float64Array;
  /** Sum of squared distances of each point to its nearest center. */
  inertia: number;
}

/** Result of the `parseCsv` kernel: a dense row-major matrix of parsed numbers. */
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

/** Options of the `parseCsv` kernel. */
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

export type { Kernels } from './contract.js';
