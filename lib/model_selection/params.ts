/**
 * Candidate parameter settings: every combination of a grid (scikit-learn's `ParameterGrid`) or
 * `nIter` random draws from lists and distributions (`ParameterSampler`).
 *
 * @packageDocumentation
 */
import { Random } from '../base/random.js';
import { describe } from '../base/validation.js';
import { ParameterError } from '../errors.js';

/** A parameter setting: parameter name to value. */
export type ParamSet = Record<string, unknown>;

/** A grid: parameter name to the list of its values; or a list of such grids (their candidates in turn). */
export type ParamGrid = Readonly<Record<string, readonly unknown[]>> | readonly Readonly<Record<string, readonly unknown[]>>[];

/** A distribution to draw a parameter value from. */
export interface Distribution {
  /** One draw, from `rng`. */
  sample(rng: Random): unknown;
}

/** Parameter name to a list (drawn uniformly) or a {@link Distribution}; or a list of such maps (one drawn per candidate). */
export type ParamDistributions =
  | Readonly<Record<string, readonly unknown[] | Distribution>>
  | readonly Readonly<Record<string, readonly unknown[] | Distribution>>[];

function isDistribution(v: unknown): v is Distribution {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Distribution).sample === 'function';
}

function checkFinite(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ParameterError(name, `expected a finite number, found ${describe(v)}`);
  return v;
}

/** Uniform on [loc, loc + scale) (scipy.stats' `uniform(loc, scale)`). */
export function uniform(loc = 0, scale = 1): Distribution {
  checkFinite(loc, 'loc');
  if (checkFinite(scale, 'scale') < 0) throw new ParameterError('scale', `expected >= 0, found ${scale}`);
  return { sample: (rng) => loc + scale * rng.next() };
}

/** Log-uniform on [a, b) (scipy.stats' `loguniform(a, b)`), 0 < a < b. */
export function loguniform(a: number, b: number): Distribution {
  if (!(checkFinite(a, 'a') > 0 && checkFinite(b, 'b') > a)) throw new ParameterError('a', `expected 0 < a < b, found a = ${a}, b = ${b}`);
  return { sample: (rng) => Math.exp(Math.log(a) + (Math.log(b) - Math.log(a)) * rng.next()) };
}

/** Uniform integer in [low, high) (scipy.stats' `randint(low, high)`). */
export function randint(low: number, high: number): Distribution {
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low) throw new ParameterError('low', `expected integers low < high, found ${low}, ${high}`);
  return { sample: (rng) => low + rng.int(high - low) };
}

function grids<V>(value: unknown, name: string, isValue: (v: unknown) => boolean): Readonly<Record<string, V>>[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new ParameterError(name, 'is an empty list: nothing to search');
  return list.map((g: unknown, i) => {
    const at = Array.isArray(value) ? `${name}[${i}]` : name;
    if (typeof g !== 'object' || g === null || Array.isArray(g)) throw new ParameterError(at, `expected an object of parameter name to values, found ${describe(g)}`);
    if (Object.keys(g).length === 0) throw new ParameterError(at, 'names no parameter: nothing to search');
    for (const [key, v] of Object.entries(g)) {
      if (!isValue(v)) throw new ParameterError(key, `${at}.${key} must be a non-empty list of values${name === 'paramGrid' ? '' : ' or a distribution'}, found ${describe(v)}`);
    }
    return g as Readonly<Record<string, V>>;
  });
}

const nonEmptyList = (v: unknown): boolean => Array.isArray(v) && v.length > 0;

/** Every combination of every grid, in scikit-learn's order (names sorted, the last one varying fastest). */
export function gridCandidates(paramGrid: ParamGrid): ParamSet[] {
  return grids<readonly unknown[]>(paramGrid, 'paramGrid', nonEmptyList).flatMap((g) => {
    const keys = Object.keys(g).sort();
    let sets: ParamSet[] = [{}];
    for (const key of keys) sets = sets.flatMap((s) => (g[key] as readonly unknown[]).map((v) => ({ ...s, [key]: v })));
    return sets;
  });
}

/**
 * `nIter` settings drawn with a generator seeded by `randomState`. When every entry is a list, they
 * are drawn without replacement from the grid (at most its size); otherwise each candidate picks a map
 * (from a list of maps) and then, names sorted, a uniform element of each list or a draw of each
 * distribution.
 */
export function sampledCandidates(distributions: ParamDistributions, nIter: number, randomState: number | undefined): ParamSet[] {
  const maps = grids<readonly unknown[] | Distribution>(distributions, 'paramDistributions', (v) => nonEmptyList(v) || isDistribution(v));
  const rng = new Random(randomState);
  if (maps.every((m) => Object.values(m).every((v) => Array.isArray(v)))) {
    const all = gridCandidates(maps as ParamGrid);
    return rng.sample(all.length, Math.min(nIter, all.length)).map((i) => all[i] as ParamSet);
  }
  return Array.from({ length: nIter }, () => {
    const m = maps[maps.length === 1 ? 0 : rng.int(maps.length)] as Readonly<Record<string, readonly unknown[] | Distribution>>;
    const set: ParamSet = {};
    for (const key of Object.keys(m).sort()) {
      const v = m[key] as readonly unknown[] | Distribution;
      set[key] = Array.isArray(v) ? v[rng.int(v.length)] : (v as Distribution).sample(rng);
    }
    return set;
  });
}
