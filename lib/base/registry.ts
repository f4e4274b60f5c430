/**
 * The registry of estimator classes by type tag (the class name saved by `toJSON`): each estimator
 * module registers its class at load, so {@link loadModel} restores any saved model without a central
 * list.
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';
import { parseSaved, type BaseEstimator, type FittedBase } from './estimator.js';
import { describe } from './validation.js';

/** A class of estimators as the registry knows it: its constructor and static `fromJSON`. */
export interface EstimatorClass {
  readonly name: string;
  fromJSON(json: unknown): BaseEstimator<object, FittedBase>;
}

const classes = new Map<string, EstimatorClass>();

/**
 * Registers an estimator class under its name (call once, after the class, in its module).
 *
 * @throws {@link ParameterError} when another class is registered under the same name
 */
export function registerEstimator(cls: EstimatorClass): void {
  const existing = classes.get(cls.name);
  if (existing !== undefined && existing !== cls) throw new ParameterError('cls', `another estimator class is registered as ${JSON.stringify(cls.name)}`);
  classes.set(cls.name, cls);
}

/**
 * Restores a saved model (`toJSON()` output or its JSON string) as an instance of the class named in it.
 *
 * @throws {@link ParameterError} naming `json` or `json.estimator` (with the known classes) when it cannot
 * @example
 * ```ts
 * const model = loadModel(await readFile('model.json', 'utf8'));
 * if (model instanceof KMeans) console.log(model.clusterCenters);
 * ```
 */
export function loadModel(json: unknown): BaseEstimator<object, FittedBase> {
  const saved = parseSaved(json);
  const cls = classes.get(saved.estimator);
  if (cls === undefined) {
    throw new ParameterError('json.estimator', `unknown estimator ${describe(saved.estimator)} (known: ${[...classes.keys()].join(', ')})`);
  }
  return cls.fromJSON(saved);
}
