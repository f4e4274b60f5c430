/**
 * The uniformFill kernel, run once per registered backend: Random123 known-answer vectors, exact agreement
 * with an independent BigInt Philox4x32-10 over 64-bit counters and seeds, independence from the block
 * decomposition, argument checks, and native-vs-js bit identity when both backends are present.
 */
import { expect } from 'chai';
import { ParameterError, ShapeError } from '../../lib/errors.js';
import { getBackend, registeredBackends, type FloatArray } from '../../lib/kernels/index.js';
import { philox } from '../../lib/kernels/js/random.js';
import { type FloatCtor, rng } from './helpers.js';

const MASK32 = 0xffffffffn;

/** Philox4x32-10 in BigInt arithmetic, the test's own oracle (checked against Random123 below). */
function philoxBig(counter: readonly bigint[], key: readonly bigint[]): bigint[] {
  let [x0, x1, x2, x3] = counter as [bigint, bigint, bigint, bigint];
  let [a, b] = key as [bigint, bigint];
  for (let round = 0; round < 10; round++) {
    const p0 = 0xd2511f53n * x0;
    const p1 = 0xcd9e8d57n * x2;
    [x0, x1, x2, x3] = [(p1 >> 32n) ^ x1 ^ a, p1 & MASK32, (p0 >> 32n) ^ x3 ^ b, p0 & MASK32];
    a = (a + 0x9e3779b9n) & MASK32;
    b = (b + 0xbb67ae85n) & MASK32;
  }
  return [x0, x1, x2, x3];
}

/** Value (r, c) of the random matrix of `seed` as the contract defines it, through the BigInt oracle. */
function expectedValue(seed: number, r: number, c: number, f64: boolean): number {
  const q = BigInt(Math.floor(c / 2));
  const row = BigInt(r);
  const s = BigInt(seed);
  const w = philoxBig([row & MASK32, q & MASK32, row >> 32n, q >> 32n], [s & MASK32, s >> 32n]);
  const hi = Number(w[2 * (c % 2)]);
  const lo = Number(w[2 * (c % 2) + 1]);
  return f64 ? (Math.floor(hi / 32) * 2 ** 26 + Math.floor(lo / 64)) / 2 ** 53 : Math.floor(hi / 256) / 2 ** 24;
}

const KNOWN_ANSWERS: Array<[number[], number[], string[]]> = [
  [[0, 0, 0, 0], [0, 0], ['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], ['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], ['d16cfe09', '94fdcceb', '5001e420', '24126ea1']],
];

const hex = (words: ArrayLike<number | bigint>): string[] => Array.from(words, (w) => w.toString(16).padStart(8, '0'));

const DTYPES: Array<[string, FloatCtor]> = [
  ['float64', Float64Array],
  ['float32', Float32Array],
];

/** Random (seed, row0, col0, rows, cols) cases reaching seeds and counters beyond 32 bits. */
function randomCases(count: number, seed: number): Array<[number, number, number, number, number]> {
  const rand = rng(seed);
  const int = (max: number): number => Math.floor(rand() * max);
  const big = (): number => [int(100), int(2 ** 32), 2 ** 32 + int(2 ** 20), int(2 ** 53 - 2 ** 20)][int(4)]!;
  return Array.from({ length: count }, () => [big(), big(), big() + int(2), 1 + int(9), 1 + int(40)]);
}

describe('Philox4x32-10 (js) matches the Random123 known-answer vectors', () => {
  it('for the three published counter/key pairs', () => {
    const w = new Uint32Array(4);
    for (const [c, k, want] of KNOWN_ANSWERS) {
      philox(c[0]!, c[1]!, c[2]!, c[3]!, k[0]!, k[1]!, w);
      expect(hex(w)).to.deep.equal(want);
      expect(hex(philoxBig(c.map(BigInt), k.map(BigInt)))).to.deep.equal(want);
    }
  });
});

for (const name of registeredBackends()) {
  const kern = getBackend(name);

  describe(`uniformFill: ${name} backend`, () => {
    it('gives the values of the first known-answer vector at seed 0, element (0, 0) and (0, 1)', () => {
      const [w0, w1, w2] = [0x6627e8d5, 0xe169c58d, 0xbc57ac4c];
      const f64 = new Float64Array(2);
      kern.uniformFill(0, 0, 0, 1, 2, f64);
      expect(f64[0]).to.equal(((w0 >>> 5) * 2 ** 26 + (w1 >>> 6)) / 2 ** 53);
      expect(f64[1]).to.equal(expectedValue(0, 0, 1, true));
      const f32 = new Float32Array(2);
      kern.uniformFill(0, 0, 0, 1, 2, f32);
      expect([...f32]).to.deep.equal([(w0 >>> 8) / 2 ** 24, (w2 >>> 8) / 2 ** 24]);
    });

    for (const [dtype, Ctor] of DTYPES) {
      it(`matches the BigInt oracle bit for bit (${dtype}, seeds and counters beyond 32 bits, odd col0)`, () => {
        for (const [seed, row0, col0, rows, cols] of randomCases(25, dtype === 'float64' ? 11 : 12)) {
          const out = new Ctor(rows * cols);
          kern.uniformFill(seed, row0, col0, rows, cols, out);
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) {
              const want = expectedValue(seed, row0 + r, col0 + c, dtype === 'float64');
              if (out[r * cols + c] !== want) {
                expect.fail(`seed ${seed} (${row0 + r}, ${col0 + c}): got ${out[r * cols + c]}, want ${want}`);
              }
            }
          }
        }
      });

      it(`gives the same values whatever the block decomposition (${dtype})`, () => {
        const [seed, row0, col0, rows, cols] = [2 ** 40 + 5, 2 ** 32 - 3, 7, 13, 29];
        const whole = new Ctor(rows * cols);
        kern.uniformFill(seed, row0, col0, rows, cols, whole);
        const rowCuts = [0, 2, 3, 8, rows];
        const colCuts = [0, 1, 4, 5, 16, cols];
        for (let i = 0; i + 1 < rowCuts.length; i++) {
          for (let j = 0; j + 1 < colCuts.length; j++) {
            const [r0, r1, c0, c1] = [rowCuts[i]!, rowCuts[i + 1]!, colCuts[j]!, colCuts[j + 1]!];
            const part = new Ctor((r1 - r0) * (c1 - c0));
            kern.uniformFill(seed, row0 + r0, col0 + c0, r1 - r0, c1 - c0, part);
            for (let r = r0; r < r1; r++) {
              expect([...part.subarray((r - r0) * (c1 - c0), (r - r0 + 1) * (c1 - c0))]).to.deep.equal([
                ...whole.subarray(r * cols + c0, r * cols + c1),
              ]);
            }
          }
        }
      });
    }

    it('produces values in [0, 1) with the mean and spread of a uniform distribution', () => {
      const out = new Float64Array(200 * 50);
      kern.uniformFill(123, 0, 0, 200, 50, out);
      const mean = out.reduce((s, v) => s + v, 0) / out.length;
      const variance = out.reduce((s, v) => s + (v - mean) ** 2, 0) / out.length;
      expect(Math.min(...out)).to.be.at.least(0);
      expect(Math.max(...out)).to.be.below(1);
      expect(mean).to.be.closeTo(0.5, 0.02);
      expect(variance).to.be.closeTo(1 / 12, 0.005);
    });

    it('rejects bad arguments with typed errors naming the parameter', () => {
      const out = new Float64Array(6);
      const bad: Array<[() => void, typeof ParameterError | typeof ShapeError, string | undefined]> = [
        [() => kern.uniformFill(-1, 0, 0, 2, 3, out), ParameterError, 'seed'],
        [() => kern.uniformFill(1.5, 0, 0, 2, 3, out), ParameterError, 'seed'],
        [() => kern.uniformFill(2 ** 53, 0, 0, 2, 3, out), ParameterError, 'seed'],
        [() => kern.uniformFill(1, -2, 0, 2, 3, out), ParameterError, 'row0'],
        [() => kern.uniformFill(1, 0, 0.5, 2, 3, out), ParameterError, 'col0'],
        [() => kern.uniformFill(1, 2 ** 53 - 2, 0, 2, 3, out), ParameterError, 'row0 + rows'],
        [() => kern.uniformFill(1, 0, 0, 3, 3, out), ShapeError, undefined],
        [() => kern.uniformFill(1, 0, 0, 2, 3, new Int32Array(6) as unknown as FloatArray), ParameterError, 'out'],
      ];
      for (const [call, Type, parameter] of bad) {
        expect(call).to.throw(Type);
        if (parameter !== undefined) {
          try {
            call();
          } catch (err) {
            expect((err as ParameterError).context['parameter']).to.equal(parameter);
          }
        }
      }
    });
  });
}

if (registeredBackends().includes('native')) {
  describe('uniformFill: native and js are bit-identical', () => {
    const [native, js] = [getBackend('native'), getBackend('js')];
    for (const [dtype, Ctor] of DTYPES) {
      it(`on random blocks (${dtype})`, () => {
        for (const [seed, row0, col0, rows, cols] of randomCases(200, dtype === 'float64' ? 21 : 22)) {
          const [a, b] = [new Ctor(rows * cols), new Ctor(rows * cols)];
          native.uniformFill(seed, row0, col0, rows, cols, a);
          js.uniformFill(seed, row0, col0, rows, cols, b);
          expect([...a], `seed ${seed} at (${row0}, ${col0}) ${rows} x ${cols}`).to.deep.equal([...b]);
        }
      });
    }
  });
}
