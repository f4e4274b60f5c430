/**
 * Building blocks of the kernels' argument checks: typed errors naming the offending parameter, raised
 * before any work. Each kernel's file composes them into its `check` (see define.ts); the registry runs it
 * in front of whichever backend serves the call, so backends implement the math only.
 *
 * @packageDocumentation
 */
import { ParameterError, ShapeError } from '../errors.js';
import type { CsvParseOptions, FloatArray } from './types.js';

/** A dimension: an integer in [0, max] (default 2^53 - 1), or a ParameterError naming it. */
export function dim(name: string, v: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(v) || v < 0 || v > max) throw new ParameterError(name, `expected an integer in [0, ${max}], got ${String(v)}`);
  return v;
}

/** A boolean, or a ParameterError naming it. */
export function flag(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ParameterError(name, `expected a boolean, got ${typeof v}`);
  return v;
}

/** A number, or a ParameterError naming it. */
export function scalar(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new ParameterError(name, `expected a number, got ${typeof v}`);
  return v;
}

/** A Float64Array or Float32Array, or a ParameterError naming it. */
export function floatArray(name: string, a: unknown): FloatArray {
  if (a instanceof Float64Array || a instanceof Float32Array) return a;
  throw new ParameterError(name, 'expected a Float64Array or Float32Array');
}

/** A Float64Array, or a ParameterError naming it. */
export function f64Array(name: string, a: unknown): Float64Array {
  if (a instanceof Float64Array) return a;
  throw new ParameterError(name, 'expected a Float64Array');
}

/** Checks that `a` holds exactly rows x cols elements (ShapeError otherwise) and returns it. */
export function shaped<T extends ArrayLike<number>>(name: string, a: T, rows: number, cols: number): T {
  if (a.length !== rows * cols) {
    throw new ShapeError(`${name} has ${a.length} elements but its shape ${rows} x ${cols} needs ${rows * cols}`, {
      parameter: name,
      expected: rows * cols,
      found: a.length,
    });
  }
  return a;
}

/** Checks that an m x n matrix is at least as tall as wide (QR and least squares need it). */
export function tallMatrix(what: string, m: number, n: number): void {
  if (m < n) throw new ShapeError(`${what} needs m >= n, got ${m} x ${n}`, { parameter: 'a', m, n });
}

/** Checks that all arrays have one dtype (ParameterError naming `names` otherwise). */
export function sameDtype(names: string, first: FloatArray, ...rest: FloatArray[]): void {
  if (rest.some((a) => a.constructor !== first.constructor)) {
    const found = [first, ...rest].map((a) => a.constructor.name).join(', ');
    throw new ParameterError(names, `expected the same dtype, got ${found}`);
  }
}

/** Checks a matrix given to a factorisation has no NaN or infinity (they make the algorithms meaningless). */
export function finite(name: string, a: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) throw new ParameterError(name, `contains NaN or Infinity (element ${i})`, { index: i });
  }
  return a;
}

/** Bytes that cannot separate fields because they end lines or belong to numbers. */
const RESERVED_DELIMITERS = new Set(Array.from('\r\n0123456789+-.eE', (c) => c.charCodeAt(0)));

/**
 * Checks the arguments of `parseCsv`: bytes, a range `start <= end` inside them, a delimiter byte, and
 * the options (non-empty comment markers without CR or LF, a non-empty Int32Array of usecols).
 */
export function csvArgs(bytes: unknown, start: number, end: number, delimiter: number, options: CsvParseOptions = {}): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new ParameterError('bytes', 'expected a Uint8Array');
  dim('start', start);
  dim('end', end);
  if (end > bytes.length || start > end) {
    throw new ParameterError('end', `expected 0 <= start <= end <= ${bytes.length}, got start ${start}, end ${end}`);
  }
  if (!Number.isInteger(delimiter) || delimiter < 0 || delimiter > 255 || RESERVED_DELIMITERS.has(delimiter)) {
    throw new ParameterError('delimiter', `expected a byte that cannot occur in a number or end a line, got ${String(delimiter)}`);
  }
  const { comments, usecols } = options;
  if (comments !== undefined) {
    const ok = Array.isArray(comments) && comments.every((m) => m instanceof Uint8Array && m.length > 0 && !m.includes(10) && !m.includes(13));
    if (!ok) throw new ParameterError('comments', 'expected an array of non-empty Uint8Arrays without CR or LF');
  }
  if (usecols !== undefined && !(usecols instanceof Int32Array && usecols.length > 0)) {
    throw new ParameterError('usecols', 'expected a non-empty Int32Array');
  }
  return bytes;
}

/** Matrix dimensions the kernels accept: BLAS and LAPACK index with 32-bit ints, and the js kernels follow. */
export const MAX_DIM = 2 ** 31 - 1;

/** A matrix dimension: an integer in [0, MAX_DIM]. */
export const mdim = (name: string, v: number): number => dim(name, v, MAX_DIM);

/** An n x d matrix argument of either float dtype. */
export const matrix = (name: string, a: unknown, rows: number, cols: number): FloatArray => shaped(name, floatArray(name, a), rows, cols);
