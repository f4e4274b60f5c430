/**
 * The estimator contract shared by every dislib-ts estimator (scikit-learn's, in camelCase):
 * hyper-parameters come in one options object with documented defaults and are validated when set;
 * fitted state is created only by `fit`; `getParams`/`setParams`/`clone` manage parameters;
 * `toJSON`/`fromJSON` save and load a model.
 *
 * @packageDocumentation
 */
import { NotFittedError, ParameterError } from '../errors.js';
import type { DsArray } from '../dsarray/dsarray.js';
import { checkColumns, checkDsArray } from './input.js';
import { describe, integer, type ParamCheck } from './validation.js';

/** Default value and validation of one hyper-parameter. */
export interface ParamSpec<T> {
  /** Value used when the option is absent or `undefined`. */
  readonly default: T;
  /** Validates (and may normalise, e.g. deep-copy) a given value. */
  readonly check: ParamCheck<T>;
}

/** The parameter table of an estimator: one {@link ParamSpec} per parameter of `P`. */
export type ParamSpecs<P> = { readonly [K in keyof P]-?: ParamSpec<P[K]> };

/** Progress of a fit, reported once per iteration to {@link FitOptions.onProgress}. */
export interface FitProgress {
  /** Estimator class name, e.g. `'KMeans'`. */
  readonly estimator: string;
  /** 1-based number of the iteration just finished. */
  readonly iteration: number;
  /** Upper bound of iterations (the fit may stop earlier on convergence). */
  readonly maxIter: number;
  /** Estimator-specific figures of the iteration (e.g. `inertia`, `centerShift`, `seconds`). */
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * Per-call options of `fit` (not hyper-parameters: they are not part of `getParams` or saved models, and
 * they never change the fitted result beyond floating-point summation order of the reduction tree).
 */
export interface FitOptions {
  /** Called after every iteration; an error it throws aborts the fit. */
  readonly onProgress?: ((progress: FitProgress) => void) | undefined;
  /** Fan-in of the reduction trees of partial results (default 50, as dislib; at least 2). */
  readonly arity?: number | undefined;
}

/** {@link FitOptions} with defaults filled in. */
export interface ResolvedFitOptions {
  readonly onProgress: ((progress: FitProgress) => void) | undefined;
  readonly arity: number;
}

/** Default fan-in of reduction trees in fits. */
export const DEFAULT_ARITY = 50;

/**
 * Validates the per-call options of `fit`.
 *
 * @throws {@link ParameterError} naming `onProgress` or `arity`, or `options` when it is not an object
 */
export function checkFitOptions(options: unknown): ResolvedFitOptions {
  if (options === undefined) return { onProgress: undefined, arity: DEFAULT_ARITY };
  if (!isPlainObject(options)) throw new ParameterError('options', `expected a plain object of fit options, found ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (key !== 'onProgress' && key !== 'arity') throw new ParameterError(key, 'unknown fit option (valid options: onProgress, arity)');
  }
  const { onProgress, arity } = options as FitOptions;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new ParameterError('onProgress', `expected a function, found ${describe(onProgress)}`);
  }
  return { onProgress, arity: arity === undefined ? DEFAULT_ARITY : integer(2)(arity, 'arity') };
}

/** The kind of an estimator, as scikit-learn's `_estimator_type` (model selection picks scorers by it). */
export type EstimatorKind = 'clusterer' | 'classifier' | 'regressor' | 'transformer';

/**
 * Declared fitted state: one check per field of `S`. `fromJSON` validates a loaded state with it, and
 * {@link BaseEstimator.attr} guards every fitted getter by it. Each field is exposed by a public getter
 * of the same name (the conformance suite checks this).
 */
export type StateSchema<S> = { readonly [K in keyof S]-?: ParamCheck<S[K]> };

/** Every fitted state records the number of columns seen by `fit` (checked on predict/transform). */
export interface FittedBase {
  nFeaturesIn: number;
}

/** The saved form of an estimator, as returned by `toJSON()` (and so by `JSON.stringify(model)`). */
export interface EstimatorJSON<P = Record<string, unknown>, S = unknown> {
  /** Always `'dislib-ts/estimator'`. */
  readonly format: typeof FORMAT;
  /** Version of this layout; `fromJSON` rejects others. */
  readonly formatVersion: typeof FORMAT_VERSION;
  /** Class name of the estimator. */
  readonly estimator: string;
  /** Hyper-parameters, as from `getParams()`. */
  readonly params: P;
  /** Fitted state, or null when the estimator was not fitted. */
  readonly state: S | null;
}

const FORMAT = 'dislib-ts/estimator';
const FORMAT_VERSION = 1;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Base class of estimators. `P` is the type of the resolved hyper-parameters (every field present),
 * `S` the type of the fitted state (JSON-able: numbers, strings, null, arrays, plain objects).
 *
 * Subclasses extend one of the kinds ({@link Clusterer}, {@link Classifier}, {@link Regressor},
 * {@link Transformer}), pass their parameter table, their state schema and the user's options to the
 * constructor, implement `fit(x, y?, options?)` (returning `this`) ending with
 * {@link BaseEstimator.setFitted}, and expose each state field through a getter calling
 * {@link BaseEstimator.attr}.
 */
export abstract class BaseEstimator<P extends object, S extends FittedBase> {
  readonly #specs: ParamSpecs<P>;
  readonly #schema: StateSchema<S>;
  #params: P;
  #state: S | undefined;

  /** What the estimator does: `'clusterer'`, `'classifier'`, `'regressor'` or `'transformer'`. */
  abstract readonly estimatorKind: EstimatorKind;

  /**
   * Validates the options against the table and stores them; does nothing else.
   *
   * @throws {@link ParameterError} naming the first unknown or invalid option
   */
  protected constructor(specs: ParamSpecs<P>, schema: StateSchema<S>, options: Partial<P> | undefined) {
    this.#specs = specs;
    this.#schema = schema;
    const defaults = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, (s as ParamSpec<unknown>).default]));
    this.#params = this.#validated(defaults as P, options ?? {}, 'options');
  }

  /** Name used in errors and saved models (the type tag of {@link loadModel}): the class name. */
  get estimatorName(): string {
    return this.constructor.name;
  }

  /** True once `fit` has completed (or a fitted model was loaded). */
  get isFitted(): boolean {
    return this.#state !== undefined;
  }

  /** Names of the fitted attributes (the state fields), each readable through a getter of that name. */
  get fittedAttributes(): readonly string[] {
    return Object.keys(this.#schema);
  }

  /**
   * Fits the estimator on `x` (and targets `y` for supervised kinds; unsupervised ones ignore it).
   *
   * @returns this estimator, fitted
   */
  abstract fit(x: DsArray, y?: unknown, options?: FitOptions): Promise<this>;

  /** A copy of the hyper-parameters, defaults filled in. `new E(e.getParams())` builds an equal estimator. */
  getParams(): P {
    return structuredClone(this.#params);
  }

  /**
   * Changes some hyper-parameters (validated before any is changed). The fitted state, if any, is kept
   * until the next `fit`, as in scikit-learn.
   *
   * @throws {@link ParameterError} naming an unknown or invalid parameter
   * @example
   * ```ts
   * km.setParams({ nClusters: 3, maxIter: 50 });
   * ```
   */
  setParams(params: Partial<P>): this {
    this.#params = this.#validated(this.#params, params, 'params');
    return this;
  }

  /** A new unfitted estimator with the same hyper-parameters. */
  clone(): this {
    const ctor = this.constructor as new (options: Partial<P>) => this;
    return new ctor(this.getParams());
  }

  /** The saved form: hyper-parameters and fitted state (null when unfitted). */
  toJSON(): EstimatorJSON<P, S> {
    return {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      estimator: this.estimatorName,
      params: this.getParams(),
      state: this.#state === undefined ? null : structuredClone(this.#state),
    };
  }

  /**
   * Rebuilds an estimator from {@link BaseEstimator.toJSON}'s output (an object, or its JSON string).
   * Call it on the estimator's class: `KMeans.fromJSON(json)`; {@link loadModel} picks the class itself.
   *
   * @throws {@link ParameterError} when the input is not a saved model of this class or is invalid
   * @example
   * ```ts
   * await writeFile('model.json', JSON.stringify(km));
   * const km2 = KMeans.fromJSON(await readFile('model.json', 'utf8'));
   * ```
   */
  static fromJSON<E extends BaseEstimator<object, FittedBase>>(this: new (options: never) => E, json: unknown): E {
    const value = parseSaved(json);
    if (value.estimator !== this.name) {
      throw new ParameterError('json.estimator', `expected ${JSON.stringify(this.name)}, found ${describe(value.estimator)}`);
    }
    const est = new this(value.params as never);
    if (value.state !== null) est.setFitted(est.#checkState(value.state));
    return est;
  }

  /** Validates a loaded state field by field with the schema, then by {@link BaseEstimator.checkStateConsistency}. */
  #checkState(state: unknown): S {
    if (!isPlainObject(state)) throw new ParameterError('json.state', `expected an object or null, found ${describe(state)}`);
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(this.#schema) as [string, ParamCheck<unknown>][]) {
      out[key] = check(state[key], `state.${key}`);
    }
    for (const key of Object.keys(state)) {
      if (!Object.hasOwn(this.#schema, key)) throw new ParameterError(`state.${key}`, `unknown fitted attribute of ${this.estimatorName}`);
    }
    this.checkStateConsistency(out as S);
    return out as S;
  }

  /**
   * Cross-field checks of a loaded state (e.g. matrix widths equal to `nFeaturesIn`); the default has none.
   *
   * @throws {@link ParameterError} naming the bad field (`state.<name>`)
   */
  protected checkStateConsistency(_state: S): void {}

  /** Stores the fitted state (called at the end of `fit` and by `fromJSON`). */
  protected setFitted(state: S): void {
    this.#state = state;
  }

  /**
   * The fitted state.
   *
   * @param what - what needed it, for the error message (e.g. `'predict()'`)
   * @throws {@link NotFittedError} when the estimator is not fitted
   */
  protected fitted(what: string): S {
    if (this.#state === undefined) throw new NotFittedError(this.estimatorName, what);
    return this.#state;
  }

  /**
   * A copy of one fitted attribute: the body of every fitted getter.
   *
   * @throws {@link NotFittedError} naming the attribute when the estimator is not fitted
   */
  protected attr<K extends keyof S>(key: K): S[K] {
    return structuredClone(this.fitted(String(key))[key]);
  }

  /**
   * The checks of predict/transform/score input: fitted, `x` a non-empty DsArray with the column count
   * of `fit`. Returns the state.
   *
   * @throws {@link NotFittedError} before `fit`; {@link ParameterError} naming `x`
   */
  protected checkFittedInput(x: unknown, what: string): S {
    const state = this.fitted(what);
    checkColumns(checkDsArray(x, 'x'), 'x', state.nFeaturesIn, this.estimatorName);
    return state;
  }

  #validated(base: P, given: unknown, argName: string): P {
    if (!isPlainObject(given)) throw new ParameterError(argName, `expected a plain object of options, found ${describe(given)}`);
    const next: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [key, value] of Object.entries(given)) {
      const spec = (this.#specs as Record<string, ParamSpec<unknown> | undefined>)[key];
      if (spec === undefined || !Object.hasOwn(this.#specs, key)) {
        const known = Object.keys(this.#specs).join(', ');
        throw new ParameterError(key, `unknown parameter of ${this.estimatorName} (valid parameters: ${known})`);
      }
      next[key] = value === undefined ? structuredClone(spec.default) : spec.check(value, key);
    }
    return next as P;
  }
}

/**
 * Parses and checks the envelope of a saved model (format and version).
 *
 * @throws {@link ParameterError} naming `json`, `json.formatVersion` or `json.params`
 */
export function parseSaved(json: unknown): EstimatorJSON<Record<string, unknown>, unknown> {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown;
    } catch (err) {
      throw new ParameterError('json', `not valid JSON (${(err as Error).message})`);
    }
  }
  if (!isPlainObject(value) || value.format !== FORMAT) {
    throw new ParameterError('json', `expected a saved model (format ${JSON.stringify(FORMAT)}), found ${describe(value)}`);
  }
  if (value.formatVersion !== FORMAT_VERSION) {
    throw new ParameterError('json.formatVersion', `expected ${FORMAT_VERSION}, found ${describe(value.formatVersion)}`);
  }
  if (!isPlainObject(value.params)) throw new ParameterError('json.params', `expected an object, found ${describe(value.params)}`);
  return value as unknown as EstimatorJSON<Record<string, unknown>, unknown>;
}
