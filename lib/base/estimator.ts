/**
 * The estimator contract shared by every dislib-ts estimator (scikit-learn's, in camelCase):
 * hyper-parameters come in one options object with documented defaults and are validated when set;
 * fitted state is created only by `fit`; `getParams`/`setParams`/`clone` manage parameters;
 * `toJSON`/`fromJSON` save and load a model.
 *
 * @packageDocumentation
 */
import { NotFittedError, ParameterError } from '../errors.js';
import { describe, type ParamCheck } from './validation.js';

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

/** Per-call options of `fit` (not hyper-parameters: they are not part of `getParams` or saved models). */
export interface FitOptions {
  /** Called after every iteration; an error it throws aborts the fit. */
  readonly onProgress?: (progress: FitProgress) => void;
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
 * `S` the type of the fitted state (JSON-able: numbers, strings, arrays, plain objects).
 *
 * Subclasses pass their parameter table and the user's options to the constructor, implement `fit`,
 * call {@link BaseEstimator.setFitted} at its end, read the state through {@link BaseEstimator.fitted},
 * and implement {@link BaseEstimator.checkState} to validate a loaded state.
 */
export abstract class BaseEstimator<P extends object, S> {
  readonly #specs: ParamSpecs<P>;
  #params: P;
  #state: S | undefined;

  /**
   * Validates the options against the table and stores them; does nothing else.
   *
   * @throws {@link ParameterError} naming the first unknown or invalid option
   */
  protected constructor(specs: ParamSpecs<P>, options: Partial<P> | undefined) {
    this.#specs = specs;
    const defaults = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, (s as ParamSpec<unknown>).default]));
    this.#params = this.#validated(defaults as P, options ?? {}, 'options');
  }

  /** Name used in errors and saved models: the class name. */
  get estimatorName(): string {
    return this.constructor.name;
  }

  /** True once `fit` has completed (or a fitted model was loaded). */
  get isFitted(): boolean {
    return this.#state !== undefined;
  }

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
   * Call it on the estimator's class: `KMeans.fromJSON(json)`.
   *
   * @throws {@link ParameterError} when the input is not a saved model of this class or is invalid
   * @example
   * ```ts
   * await writeFile('model.json', JSON.stringify(km));
   * const km2 = KMeans.fromJSON(await readFile('model.json', 'utf8'));
   * ```
   */
  static fromJSON<E extends BaseEstimator<object, unknown>>(this: new (options: never) => E, json: unknown): E {
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
    if (value.estimator !== this.name) {
      throw new ParameterError('json.estimator', `expected ${JSON.stringify(this.name)}, found ${describe(value.estimator)}`);
    }
    if (!isPlainObject(value.params)) throw new ParameterError('json.params', `expected an object, found ${describe(value.params)}`);
    const est = new this(value.params as never);
    if (value.state !== null) est.setFitted(est.checkState(value.state));
    return est;
  }

  /** Validates a fitted state read by `fromJSON`; throws a ParameterError naming the bad field. */
  protected abstract checkState(state: unknown): S;

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

