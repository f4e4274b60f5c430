/**
 * Helpers shared by the estimator tests: error expectations, fixtures made by test/fixtures/gen-*.py,
 * CSR conversion and closeness of matrices.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ParameterError, type CsrInput } from '../../lib/index.js';

/** What `f` threw (or rejected with), undefined when it did not. */
export async function thrown(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (err) {
    return err;
  }
  return undefined;
}

/** Expects `f` to throw a ParameterError naming `parameter`. */
export async function expectParameterError(f: () => unknown, parameter: string): Promise<void> {
  const err = await thrown(f);
  expect(err, `expected a ParameterError for ${parameter}`).to.be.instanceOf(ParameterError);
  expect((err as ParameterError).context.parameter).to.equal(parameter);
}

/** Parses the committed fixture `test/fixtures/<name>`. */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** The CSR form of a dense matrix (zeros left out). */
export function csrOf(x: readonly (readonly number[])[]): CsrInput {
  const indptr = [0];
  const indices: number[] = [];
  const data: number[] = [];
  for (const row of x) {
    row.forEach((v, j) => {
      if (v !== 0) {
        indices.push(j);
        data.push(v);
      }
    });
    indptr.push(indices.length);
  }
  return { indptr, indices, data, shape: [x.length, x[0]?.length ?? 0] };
}

/** Expects equal shapes and every element within `rtol * max(1, |expected|)`. */
export function expectClose(actual: readonly (readonly number[])[], expected: readonly (readonly number[])[], rtol: number): void {
  expect(actual.length).to.equal(expected.length);
  actual.forEach((row, i) => {
    expect(row.length, `row ${i}`).to.equal(expected[i]?.length);
    row.forEach((v, j) => {
      const e = expected[i]?.[j] as number;
      expect(Math.abs(v - e), `[${i}][${j}]: ${v} vs ${e}`).to.be.at.most(rtol * Math.max(1, Math.abs(e)));
    });
  });
}
