/**
 * Checks of estimator parameters: each check takes an untrusted value and returns it typed, or throws a
 * {@link ParameterError} that names the parameter, says what was expected and what was found.
 *
 * @packageDocumentation
 */
import { ParameterError } from '../errors.js';

/** Validates one parameter value: returns it (typed, possibly normalised) or throws a ParameterError. */
export type ParamCheck<T> = (value: unknown, name: string) => T;

/** Short readable form of any value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'null prototype'})`;
  return `${typeof value} ${String(value)}`;
}

function fail(name: string, expected: string, value: unknown): never {
  throw new ParameterError(name, `expected ${expected}, found ${describe(value)}`, { expected, found: describe(value) });
}

/** An integer in [min, max] (bounds inclusive, max default unbounded). */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): ParamCheck<number> {
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
  return (value, name) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fail(name, `an integer ${range}`, value);
    }
    return value;
  };
}

/** A finite number >= min. */
export function finiteNumber(min = -Infinity): ParamCheck<number> {
  return (value, name) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
      fail(name, min === -Infinity ? 'a finite number' : `a finite number >= ${min}`, value);
    }
    return value;
  };
}

/** One of a fixed set of strings. */
export function oneOf<const T extends string>(choices: readonly T[]): ParamCheck<T> {
  return (value, name) => {
    if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
      fail(name, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, value);
    }
    return value as T;
  };
}

/** `undefined` or a value accepted by `check`. */
export function optional<T>(check: ParamCheck<T>): ParamCheck<T | undefined> {
  return (value, name) => (value === undefined ? undefined : check(value, name));
}

/** A seed: `undefined` (fresh entropy on every fit) or an integer in [0, 2^32 - 1]. */
export const seed: ParamCheck<number | undefined> = optional(integer(0, 2 ** 32 - 1));

/**
 * A non-empty rectangular matrix of finite numbers given as `number[][]`; returns a deep copy so that
 * later changes to the caller's array do not reach the estimator.
 */
export function finiteMatrix(value: unknown, name: string): number[][] {
  if (!Array.isArray(value) || value.length === 0) fail(name, 'a non-empty number[][]', value);
  const cols = Array.isArray(value[0]) ? (value[0] as unknown[]).length : -1;
  if (cols <= 0) fail(`${name}[0]`, 'a non-empty array of numbers', value[0]);
  return value.map((row: unknown, i: number) => {
    if (!Array.isArray(row) || row.length !== cols) fail(`${name}[${i}]`, `an array of ${cols} numbers`, row);
    return row.map((v: unknown, j: number) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${name}[${i}][${j}]`, 'a finite number', v);
      return v;
    });
  });
}

/** Accepts either of two checks (tried in order); the error names both expectations. */
export function either<A, B>(a: ParamCheck<A>, b: ParamCheck<B>, expected: string): ParamCheck<A | B> {
  return (value, name) => {
    try {
      return a(value, name);
    } catch (errA) {
      if (!(errA instanceof ParameterError)) throw errA;
      try {
        return b(value, name);
      } catch (errB) {
        if (!(errB instanceof ParameterError)) throw errB;
        // A deeper path (e.g. `init[2][1]`) from the second check is more useful than a generic message.
        if (errB.context.parameter !== name) throw errB;
        return fail(name, expected, value);
      }
    }
  };
}

/** A boolean. */
export const bool: ParamCheck<boolean> = (value, name) => {
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
};

/** `null` or a value accepted by `check` (fitted attributes that exist only for some parameters). */
export function nullable<T>(check: ParamCheck<T>): ParamCheck<T | null> {
  return (value, name) => (value === null ? null : check(value, name));
}

/** A non-empty array of finite numbers (copied). */
export function finiteVector(value: unknown, name: string): number[] {
  if (!Array.isArray(value) || value.length === 0) fail(name, 'a non-empty number[]', value);
  return value.map((v: unknown, i: number) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${name}[${i}]`, 'a finite number', v);
    return v;
  });
}
