/**
 * The conformance suite every estimator passes (in the manner of scikit-learn's `check_estimator`):
 * call {@link checkEstimator} at the top level of the estimator's test file. It checks defaults and
 * the rejection of unknown and invalid options, getParams/setParams/clone, NotFittedError on every
 * fitted getter and method, that fit returns `this` and leaves params untouched, bit-for-bit repeated
 * seeded fits, identical results on 1, 2 and 4 workers (and close ones on two block sizes), the JSON
 * round trip (fromJSON and loadModel), rejection of non-finite input and of a wrong column count.
 * Data stay small; one cluster serves each worker count.
 */
import { expect } from 'chai';
import {
  BaseEstimator,
  NonFiniteError,
  NotFittedError,
  array,
  init,
  loadModel,
  shutdown,
  type DsArray,
  type FittedBase,
} from '../../lib/index.js';
import { expectParameterError, thrown } from './estimators.js';

type AnyEstimator = BaseEstimator<object, FittedBase>;

/** What the suite needs to know about one estimator. */
export interface EstimatorCheckSpec<E extends AnyEstimator> {
  /** Builds an estimator from options. */
  readonly make: (options?: Record<string, unknown>) => E;
  /** The documented defaults, as `getParams()` of `make()` must return them. */
  readonly defaults: Record<string, unknown>;
  /** Options used for every fit of the suite (seeded where the estimator draws random numbers). */
  readonly fitParams: Record<string, unknown>;
  /** One invalid value per parameter name: each must be rejected naming the parameter. */
  readonly invalid: Record<string, unknown>;
  /** Small dense training rows (no NaN). */
  readonly rows: number[][];
  /** Two different block sizes for the rows. */
  readonly blockSizes: readonly [readonly [number, number], readonly [number, number]];
  /** Targets of supervised estimators, one per row. */
  readonly y?: number[];
  /** Relative tolerance between results on different block sizes (summation order differs). */
  readonly blockRtol?: number;
}

/** Methods that need a fitted estimator, by kind (those the estimator has). */
function fittedMethods(est: AnyEstimator): string[] {
  const names = ['predict', 'predictProba', 'transform', 'inverseTransform', 'score'];
  return names.filter((m) => typeof (est as unknown as Record<string, unknown>)[m] === 'function');
}

/** The results a fitted estimator gives on x: its state and every lazy output, collected. */
async function outputs(est: AnyEstimator, x: DsArray, y: number[] | undefined): Promise<unknown[]> {
  const e = est as unknown as Record<string, (x: DsArray, y?: unknown) => DsArray | Promise<number>>;
  const out: unknown[] = [est.toJSON().state];
  for (const m of ['predict', 'transform']) if (typeof e[m] === 'function') out.push(await (e[m](x) as DsArray).toArray());
  if (typeof e.inverseTransform === 'function' && typeof e.transform === 'function') {
    out.push(await (e.inverseTransform(e.transform(x) as DsArray) as DsArray).toArray());
  }
  if (typeof e.score === 'function') out.push(await e.score(x, y));
  return out;
}

/** Every number of two nested results within `rtol * max(1, |b|)` (same structure otherwise). */
function expectNear(a: unknown, b: unknown, rtol: number, path = 'result'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    expect(Math.abs(a - b), `${path}: ${a} vs ${b}`).to.be.at.most(rtol * Math.max(1, Math.abs(b)));
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(a.length, path).to.equal(b.length);
    a.forEach((v, i) => expectNear(v, b[i], rtol, `${path}[${i}]`));
    return;
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    expect(Object.keys(a), path).to.deep.equal(Object.keys(b));
    for (const k of Object.keys(a)) expectNear((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rtol, `${path}.${k}`);
    return;
  }
  expect(a, path).to.deep.equal(b);
}

/**
 * Registers the conformance tests of one estimator (a mocha `describe` block named after it).
 *
 * @example
 * ```ts
 * checkEstimator('MinMaxScaler', { make: (o) => new MinMaxScaler(o), defaults: { featureRange: [0, 1] }, ... });
 * ```
 */
export function checkEstimator<E extends AnyEstimator>(name: string, spec: EstimatorCheckSpec<E>): void {
  describe(`${name} conformance (checkEstimator)`, function () {
    this.timeout(120_000);
    const [bs0, bs1] = spec.blockSizes;
    const data = (bs: readonly [number, number], rows = spec.rows) => array(rows, bs);
    const fitted = async (bs = bs0) => spec.make(spec.fitParams).fit(data(bs), spec.y);

    before(async () => {
      await shutdown();
      await init({ workers: 2 });
    });
    after(() => shutdown());

    it('has the documented defaults and rejects unknown and invalid options, naming them', async () => {
      const est = spec.make();
      expect(est.getParams()).to.deep.equal(spec.defaults);
      expect(['clusterer', 'classifier', 'regressor', 'transformer']).to.include(est.estimatorKind);
      await expectParameterError(() => spec.make({ noSuchOption: 1 }), 'noSuchOption');
      for (const [key, value] of Object.entries(spec.invalid)) {
        await expectParameterError(() => spec.make({ [key]: value }), key);
        await expectParameterError(() => spec.make().setParams({ [key]: value }), key);
      }
    });

    it('getParams returns a copy; setParams validates and returns this; clone is unfitted with equal params', async () => {
      const est = spec.make();
      const params = est.getParams() as Record<string, unknown>;
      for (const k of Object.keys(params)) params[k] = '__changed__';
      expect(est.getParams()).to.deep.equal(spec.defaults);
      expect(est.setParams(spec.fitParams)).to.equal(est);
      expect(est.getParams()).to.deep.equal({ ...spec.defaults, ...spec.fitParams });
      const fit = await fitted();
      const copy = fit.clone();
      expect(copy).to.be.instanceOf(fit.constructor);
      expect(copy.isFitted).to.equal(false);
      expect(copy.getParams()).to.deep.equal(fit.getParams());
      expect(new (fit.constructor as new (o: object) => E)(fit.getParams()).getParams()).to.deep.equal(fit.getParams());
    });

    it('throws NotFittedError from every fitted getter and method before fit', async () => {
      const est = spec.make(spec.fitParams);
      expect(est.isFitted).to.equal(false);
      expect(est.fittedAttributes).to.include('nFeaturesIn');
      for (const attr of est.fittedAttributes) {
        const getter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(est), attr)?.get;
        expect(getter, `getter ${attr}`).to.be.a('function');
        expect(() => (est as unknown as Record<string, unknown>)[attr], attr).to.throw(NotFittedError, new RegExp(attr));
      }
      const x = data(bs0);
      for (const m of fittedMethods(est)) {
        const err = await thrown(() => (est as unknown as Record<string, (x: DsArray, y?: unknown) => unknown>)[m]?.(x, spec.y));
        expect(err, m).to.be.instanceOf(NotFittedError);
      }
    });

    it('fit returns this, leaves params untouched, and getters return copies', async () => {
      const est = spec.make(spec.fitParams);
      const before = est.getParams();
      expect(await est.fit(data(bs0), spec.y)).to.equal(est);
      expect(est.getParams()).to.deep.equal(before);
      expect(est.isFitted).to.equal(true);
      expect((est as unknown as { nFeaturesIn: number }).nFeaturesIn).to.equal(spec.rows[0]?.length);
      for (const attr of est.fittedAttributes) {
        const v = (est as unknown as Record<string, unknown>)[attr];
        if (Array.isArray(v)) {
          v.length = 0;
          expect((est as unknown as Record<string, unknown>)[attr], attr).to.not.deep.equal([]);
        }
      }
    });

    it('repeats a seeded fit bit for bit', async () => {
      const x = data(bs0);
      const a = await outputs(await fitted(), x, spec.y);
      const b = await outputs(await fitted(), x, spec.y);
      expect(a).to.deep.equal(b);
    });

    it('saves and restores through JSON (fromJSON and loadModel) with the same results', async () => {
      const est = await fitted();
      const x = data(bs0);
      const text = JSON.stringify(est);
      const ctor = est.constructor as unknown as { fromJSON(json: unknown): E };
      const restored = ctor.fromJSON(text);
      const loaded = loadModel(text);
      expect(loaded).to.be.instanceOf(est.constructor);
      const expected = await outputs(est, x, spec.y);
      expect(await outputs(restored, x, spec.y)).to.deep.equal(expected);
      expect(await outputs(loaded, x, spec.y)).to.deep.equal(expected);
      expect(ctor.fromJSON(JSON.stringify(spec.make(spec.fitParams))).isFitted).to.equal(false);
    });

    it('rejects a wrong column count after fit, naming x', async () => {
      const est = await fitted();
      const wide = data([bs0[0], bs0[1] + 1], spec.rows.map((r) => [...r, 0]));
      for (const m of fittedMethods(est)) {
        await expectParameterError(() => (est as unknown as Record<string, (x: DsArray, y?: unknown) => unknown>)[m]?.(wide, spec.y), 'x');
      }
    });

    it('rejects non-finite input with a NonFiniteError naming its row and column', async () => {
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
        const rows = spec.rows.map((r) => [...r]);
        (rows[1] as number[])[0] = bad;
        const err = await thrown(() => spec.make(spec.fitParams).fit(data(bs0, rows), spec.y));
        expect(err, String(bad)).to.be.instanceOf(NonFiniteError);
        expect([(err as NonFiniteError).row, (err as NonFiniteError).column], String(bad)).to.deep.equal([1, 0]);
      }
    });

    it('gives identical results on 1, 2 and 4 workers, and close ones on two block sizes', async () => {
      const results: unknown[][] = [];
      for (const workers of [1, 2, 4]) {
        await shutdown();
        await init({ workers });
        const runs = [await outputs(await fitted(bs0), data(bs0), spec.y), await outputs(await fitted(bs1), data(bs1), spec.y)];
        results.push(runs);
      }
      expect(results[1]).to.deep.equal(results[0]);
      expect(results[2]).to.deep.equal(results[0]);
      expectNear(results[0]?.[1], results[0]?.[0], spec.blockRtol ?? 1e-12);
    });

    it('is rejected as a ParameterError when x is not a DsArray', async () => {
      await expectParameterError(() => spec.make(spec.fitParams).fit(spec.rows as never, spec.y), 'x');
    });
  });
}
