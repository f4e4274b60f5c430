/**
 * Splitters: K-fold cross-validation folds and a single train/test split, as index lists (scikit-learn's
 * `KFold` and `train_test_split`), and the row views of a ds-array they select.
 *
 * @packageDocumentation
 */
import { Random } from '../base/random.js';
import { describe } from '../base/validation.js';
import { DsArray } from '../dsarray/dsarray.js';
import { ParameterError, ShapeError } from '../errors.js';

/** One split: sorted row indices of the training and the test part. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Anything that cuts `n` samples into folds (a {@link KFold}, or an object of the same shape). */
export interface CrossValidator {
  /** The folds of `n` samples. */
  split(n: number): Fold[];
  /** Number of folds `split` yields. */
  getNSplits(): number;
}

/** Options of {@link KFold}. */
export interface KFoldOptions {
  /** Number of folds, at least 2. Default 5. */
  readonly nSplits?: number;
  /** Shuffle the rows before cutting them into folds. Default false. */
  readonly shuffle?: boolean;
  /** Seed of the shuffle (an integer in [0, 2^32)); only with `shuffle`. Default: fresh entropy on each split. */
  readonly randomState?: number;
}

function checkSeed(value: unknown): number | undefined {
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value >= 2 ** 32)) {
    throw new ParameterError('randomState', `expected an integer in [0, 2^32), found ${describe(value)}`);
  }
  return value as number | undefined;
}

/** Fisher-Yates shuffle of 0 .. n - 1 from `rng`. */
function shuffled(n: number, rng: Random): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/**
 * K-fold cross-validation (scikit-learn's `KFold`): the rows, shuffled or not, are cut into `nSplits`
 * consecutive folds whose sizes differ by at most one (the first `n mod nSplits` folds hold one more);
 * each fold is the test part once, the other rows the training part. Index lists are sorted, so without
 * shuffling the folds equal scikit-learn's exactly (with shuffling, another generator gives other folds).
 *
 * @example
 * ```ts
 * for (const { train, test } of new KFold({ nSplits: 3 }).split(x.shape[0])) { ... }
 * ```
 */
export class KFold implements CrossValidator {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly randomState: number | undefined;

  /** @throws {@link ParameterError} naming a bad option */
  constructor(options: KFoldOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new ParameterError('options', `expected an object, found ${describe(options)}`);
    for (const key of Object.keys(options)) {
      if (!['nSplits', 'shuffle', 'randomState'].includes(key)) throw new ParameterError(key, 'unknown option of KFold (valid options: nSplits, shuffle, randomState)');
    }
    const nSplits = options.nSplits ?? 5;
    if (typeof nSplits !== 'number' || !Number.isSafeInteger(nSplits) || nSplits < 2) throw new ParameterError('nSplits', `expected an integer >= 2, found ${describe(nSplits)}`);
    const shuffle = options.shuffle ?? false;
    if (typeof shuffle !== 'boolean') throw new ParameterError('shuffle', `expected a boolean, found ${describe(shuffle)}`);
    const randomState = checkSeed(options.randomState);
    if (!shuffle && randomState !== undefined) throw new ParameterError('randomState', 'has no effect without shuffle: set shuffle: true or leave randomState out');
    this.nSplits = nSplits;
    this.shuffle = shuffle;
    this.randomState = randomState;
  }

  getNSplits(): number {
    return this.nSplits;
  }

  /**
   * The folds of `n` rows.
   *
   * @throws {@link ParameterError} when `n` is smaller than the number of folds
   */
  split(n: number): Fold[] {
    if (!Number.isSafeInteger(n) || n < this.nSplits) {
      throw new ParameterError('nSplits', `cannot cut ${n} samples into ${this.nSplits} folds (at most one fold per sample)`);
    }
    const order = this.shuffle ? shuffled(n, new Random(this.randomState)) : null;
    const folds: Fold[] = [];
    let start = 0;
    for (let f = 0; f < this.nSplits; f++) {
      const size = Math.floor(n / this.nSplits) + (f < n % this.nSplits ? 1 : 0);
      const inTest = new Uint8Array(n);
      for (let k = start; k < start + size; k++) inTest[order === null ? k : (order[k] as number)] = 1;
      const test = new Int32Array(size);
      const train = new Int32Array(n - size);
      for (let i = 0, a = 0, b = 0; i < n; i++) {
        if (inTest[i] === 1) test[a++] = i;
        else train[b++] = i;
      }
      folds.push({ train, test });
      start += size;
    }
    return folds;
  }
}

/** Options of {@link trainTestSplit}. */
export interface TrainTestSplitOptions {
  /** Test part: a fraction in (0, 1) (rounded up) or a row count. Default 0.25 (or the complement of `trainSize`). */
  readonly testSize?: number;
  /** Training part: a fraction in (0, 1) (rounded down) or a row count. Default the complement of the test part. */
  readonly trainSize?: number;
  /** Seed of the shuffle (an integer in [0, 2^32)). Default: fresh entropy. */
  readonly randomState?: number;
  /** Shuffle the rows before splitting. Default true. */
  readonly shuffle?: boolean;
}

function partSize(value: unknown, n: number, name: string, round: (v: number) => number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value > 0 && value < 1) return round(value * n);
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value < n) return value;
  throw new ParameterError(name, `expected a fraction in (0, 1) or a row count in [1, ${n - 1}], found ${describe(value)}`);
}

/** Row indices of the training and test parts of `n` rows (scikit-learn's size rules). */
export function trainTestIndices(n: number, opts: TrainTestSplitOptions = {}): { train: Int32Array; test: Int32Array } {
  for (const key of Object.keys(opts)) {
    if (!['testSize', 'trainSize', 'randomState', 'shuffle'].includes(key)) {
      throw new ParameterError(key, 'unknown option of trainTestSplit (valid options: testSize, trainSize, randomState, shuffle)');
    }
  }
  let nTest = partSize(opts.testSize, n, 'testSize', Math.ceil);
  let nTrain = partSize(opts.trainSize, n, 'trainSize', Math.floor);
  if (nTest === undefined && nTrain === undefined) nTest = Math.ceil(0.25 * n);
  if (nTrain === undefined) nTrain = n - (nTest as number);
  if (nTest === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) throw new ParameterError('trainSize', `trainSize + testSize = ${nTrain + nTest} rows exceed the ${n} rows`);
  if (nTrain === 0 || nTest === 0) throw new ParameterError(nTrain === 0 ? 'trainSize' : 'testSize', `leaves an empty part of ${n} rows`);
  const shuffle = opts.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new ParameterError('shuffle', `expected a boolean, found ${describe(shuffle)}`);
  if (!shuffle) {
    return { train: Int32Array.from({ length: nTrain }, (_, i) => i), test: Int32Array.from({ length: nTest }, (_, i) => nTrain + i) };
  }
  const order = shuffled(n, new Random(checkSeed(opts.randomState)));
  return { test: order.slice(0, nTest), train: order.slice(nTest, nTest + nTrain) };
}

/**
 * Splits `x` (and `y`, row for row) into a training and a test part, as scikit-learn's
 * `train_test_split`: sizes as fractions (test rounded up, train down) or counts; shuffled rows come
 * in the order of the shuffle. The parts are lazy row selections gathered on the workers (blocks
 * taken whole are reused, not copied).
 *
 * @returns `[xTrain, xTest]`, or `[xTrain, xTest, yTrain, yTest]` with `y`
 * @throws {@link ParameterError} on a bad size or option; {@link ShapeError} when y's rows differ from x's
 * @example
 * ```ts
 * const [xTrain, xTest, yTrain, yTest] = trainTestSplit(x, y, { testSize: 0.2, randomState: 0 });
 * ```
 */
export function trainTestSplit(x: DsArray, y: DsArray, opts?: TrainTestSplitOptions): [DsArray, DsArray, DsArray, DsArray];
export function trainTestSplit(x: DsArray, y?: undefined, opts?: TrainTestSplitOptions): [DsArray, DsArray];
export function trainTestSplit(x: DsArray, y?: DsArray, opts: TrainTestSplitOptions = {}): DsArray[] {
  if (!(x instanceof DsArray)) throw new ParameterError('x', `expected a DsArray, found ${describe(x)}`);
  if (y !== undefined && !(y instanceof DsArray)) throw new ParameterError('y', `expected a DsArray, found ${describe(y)}`);
  if (y !== undefined && y.shape[0] !== x.shape[0]) throw new ShapeError(`trainTestSplit: y has ${y.shape[0]} rows, x has ${x.shape[0]}`, { parameter: 'y' });
  const { train, test } = trainTestIndices(x.shape[0], opts);
  const parts = [x.rows(train), x.rows(test)];
  return y === undefined ? parts : [...parts, y.rows(train), y.rows(test)];
}
