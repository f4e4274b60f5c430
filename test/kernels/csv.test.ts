/**
 * The parseCsv kernel on every registered backend: bit-identical to Number.parseFloat on a million random
 * doubles and on hand-picked hard cases, and the right failure (kind, line, column) for each kind of bad input.
 */
import { expect } from 'chai';
import { ParameterError } from '../../lib/errors.js';
import { getBackend, registeredBackends, type CsvParseFailure, type CsvParseResult, type Kernels } from '../../lib/kernels/index.js';
import { rng } from './helpers.js';

const COMMA = 44;
const encoder = new TextEncoder();

function parse(kern: Kernels, text: string, delimiter = COMMA): CsvParseResult | CsvParseFailure {
  const bytes = encoder.encode(text);
  return kern.parseCsv(bytes, 0, bytes.length, delimiter);
}

function parsed(kern: Kernels, text: string, delimiter = COMMA): CsvParseResult {
  const res = parse(kern, text, delimiter);
  if ('error' in res) expect.fail(`unexpected failure ${JSON.stringify(res)}`);
  return res;
}

function failure(kern: Kernels, text: string, delimiter = COMMA): CsvParseFailure {
  const res = parse(kern, text, delimiter);
  if (!('error' in res)) return expect.fail(`expected a failure, got ${res.rows} x ${res.cols}`);
  return res;
}

/** Expect `got` to hold exactly the bits of Number.parseFloat of each field. */
function expectBitIdentical(got: Float64Array, fields: string[]): void {
  expect(got.length).to.equal(fields.length);
  const want = Float64Array.from(fields, (f) => Number.parseFloat(f));
  const gotBits = new BigUint64Array(got.buffer, got.byteOffset, got.length);
  const wantBits = new BigUint64Array(want.buffer);
  for (let i = 0; i < fields.length; i++) {
    // Every NaN is the same value in JS; compare the rest bit by bit (this separates 0 from -0).
    if (Number.isNaN(want[i]) && Number.isNaN(got[i])) continue;
    if (gotBits[i] !== wantBits[i]) expect.fail(`field ${i} '${fields[i]}': got ${got[i]}, parseFloat gives ${want[i]}`);
  }
}

/** n finite doubles with uniformly random bit patterns: every exponent, subnormals included, both signs. */
function randomDoubles(n: number, seed: number): Float64Array {
  const rand = rng(seed);
  const out = new Float64Array(n);
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < n; ) {
    words[2 * i] = rand() * 2 ** 32;
    words[2 * i + 1] = rand() * 2 ** 32;
    if (Number.isFinite(out[i])) i++;
  }
  return out;
}

/**
 * 19 significant digits of the exact midpoint between the positive normal v and the next double up,
 * truncated: the mantissa digits and the power of ten.
 */
function midpointDigits(v: number): [bigint, number] {
  const bits = new BigUint64Array(new Float64Array([v]).buffer)[0]!;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const mant = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  // midpoint = (2 mant + 1) 2^(exp - 1076) = num / den
  const num = (2n * mant + 1n) << BigInt(Math.max(0, exp - 1076));
  const den = 1n << BigInt(Math.max(0, 1076 - exp));
  const digitsAt = (k: number): bigint => (k >= 0 ? (num * 10n ** BigInt(k)) / den : num / (den * 10n ** BigInt(-k)));
  let k = 18 - Math.floor(Math.log10(v));
  while (digitsAt(k) >= 10n ** 19n) k--;
  while (digitsAt(k) < 10n ** 18n) k++;
  return [digitsAt(k), -k];
}

const HARD_CASES = [
  '0', '-0', '+0', '0.0', '-0.0e5', '00000', '007', '-007.50', '+3', '.5', '-.5', '5.', '5.e3', '0e999', '-0e-999',
  '1', '12345678', '9007199254740991', '9007199254740992', '9007199254740993', '9007199254740995',
  '18014398509481985', '123456789012345678901234567890', '1e22', '1e23', '1e-22', '1e-23', '4.35e-3', '1E5', '1e+5',
  '-1.5E-5', '0.1', '0.2', '0.3', '1.7976931348623157e308', '1.7976931348623158e308', '1.7976931348623159e308',
  '1e308', '1e309', '1e400', '-1e400', '1e-400', '2.2250738585072011e-308', '2.2250738585072014e-308',
  '4.9406564584124654e-324', '2.4703282292062328e-324', '2.4703282292062327e-324', '5e-324', '3e-324',
  '8.98846567431158e307', '0.000000000000000000000000000001', '1' + '0'.repeat(400), '0.' + '0'.repeat(330) + '1',
  '90071992547409930e-1', '4503599627370497.5', '4503599627370498.5', '450359962737049850e-2', '9007199254740993e0',
  '2.00000000000000011102230246251565404236316680908203125', '2.00000000000000011102230246251565404236316680908203124',
  '2.00000000000000011102230246251565404236316680908203126', '9.5e-5', '123.456e-2', '7e-10', '1234567890123456e-10',
];

/** The random-doubles fixture, built once for all backends: the fields and the CSV bytes of 10 columns. */
let randomFixture: { values: Float64Array; fields: string[]; bytes: Uint8Array } | undefined;
function randomCsv(): { values: Float64Array; fields: string[]; bytes: Uint8Array } {
  if (randomFixture) return randomFixture;
  const values = randomDoubles(1_000_000, 99);
  const fields = Array.from(values, (v, i) => (i % 2 === 0 ? v.toPrecision(17) : String(v)));
  const lines: string[] = [];
  for (let i = 0; i < fields.length; i += 10) lines.push(fields.slice(i, i + 10).join(','));
  randomFixture = { values, fields, bytes: encoder.encode(lines.join('\n') + '\n') };
  return randomFixture;
}

for (const name of registeredBackends()) {
  const kern = getBackend(name);

  describe(`parseCsv: ${name} backend`, () => {
    it('is bit-identical to Number.parseFloat on 1e6 random doubles (17 significant digits and shortest)', function () {
      this.timeout(60_000);
      const { values, fields, bytes } = randomCsv();
      const res = kern.parseCsv(bytes, 0, bytes.length, COMMA);
      if ('error' in res) return expect.fail(`unexpected failure ${JSON.stringify(res)}`);
      expect([res.rows, res.cols]).to.deep.equal([fields.length / 10, 10]);
      expectBitIdentical(res.values, fields);
      // Every value prints and parses back to itself, so the round trip is exact too.
      expect(Buffer.from(res.values.buffer).equals(Buffer.from(values.buffer))).to.equal(true);
    });

    it('is bit-identical on integers, exponents, signs, leading zeros, overflow, underflow and halfway cases', () => {
      const rand = rng(5);
      const ints = Array.from({ length: 2000 }, () => String(Math.floor((rand() - 0.5) * 2 ** (1 + 60 * rand()))));
      const exps = Array.from({ length: 2000 }, () => `${(rand() * 10).toFixed(1 + Math.floor(rand() * 18))}e${Math.floor((rand() - 0.5) * 700)}`);
      for (const fields of [HARD_CASES, ints, exps]) {
        const res = parsed(kern, fields.join('\n'));
        expect(res.cols).to.equal(1);
        expectBitIdentical(res.values, fields);
      }
    });

    it('is bit-identical on 16 to 19 digit mantissas, including the nearest ones to halfway between doubles', () => {
      const rand = rng(17);
      const fields: string[] = [];
      for (let i = 0; i < 20_000; i++) {
        const v = 3 * Math.exp((2 * rand() - 1) * Math.log(1e14));
        const [digits, e10] = midpointDigits(v);
        fields.push(`${digits}e${e10}`, `${digits + 1n}e${e10}`, `${v.toPrecision(16)}`, v.toPrecision(17), v.toExponential(18));
      }
      expectBitIdentical(parsed(kern, fields.join('\n')).values, fields);
    });

    it("reads numpy's nan and inf spellings in any case, with signs", () => {
      const res = parsed(kern, 'nan,NaN,inf,-inf,+inf,Infinity,-Infinity,INF,-nan');
      expect(Array.from(res.values)).to.deep.equal([NaN, NaN, Infinity, -Infinity, Infinity, Infinity, -Infinity, Infinity, NaN]);
    });

    it('handles blanks around fields, CRLF, blank last lines, a missing final newline and other delimiters', () => {
      const want = [1, -2.5, 3, 4e-3, 5, 6];
      for (const text of ['1,-2.5,3\n4e-3,5,6', '1 ,\t-2.5,  3 \r\n 4e-3,5,6\r\n', '1,-2.5,3\n4e-3,5,6\n\n \n\r\n']) {
        const res = parsed(kern, text);
        expect([res.rows, res.cols]).to.deep.equal([2, 3]);
        expect(Array.from(res.values)).to.deep.equal(want);
      }
      expect(Array.from(parsed(kern, '1\t-2.5\t3\n4e-3\t5\t6\n', 9).values)).to.deep.equal(want);
      expect(Array.from(parsed(kern, '1;-2.5;3\n4e-3;5;6\n', 59).values)).to.deep.equal(want);
      expect(Array.from(parsed(kern, '1 -2.5 3\n4e-3 5 6\n', 32).values)).to.deep.equal(want);
      const none = parsed(kern, '\n \n');
      expect([none.rows, none.cols, none.values.length]).to.deep.equal([0, 0, 0]);
      expect(parsed(kern, '').rows).to.equal(0);
    });

    it('parses a byte range, numbering lines from the start of the range', () => {
      const bytes = encoder.encode('x,y\n1,2\n3,4\n5,oops\n');
      const res = kern.parseCsv(bytes, 4, 12, COMMA);
      expect(res).to.deep.equal({ values: new Float64Array([1, 2, 3, 4]), rows: 2, cols: 2 });
      expect(kern.parseCsv(bytes, 8, bytes.length, COMMA)).to.deep.include({ error: 'non-numeric', line: 2, column: 2 });
    });

    it('reports ragged rows with the line, the first missing or extra field, and the counts', () => {
      expect(failure(kern, '1,2,3\n4,5,6\n7,8\n')).to.deep.equal({ error: 'ragged', line: 3, column: 3, expected: '3 fields', found: '2 fields' });
      expect(failure(kern, '1,2\r\n3,4,5,6\r\n')).to.deep.equal({ error: 'ragged', line: 2, column: 3, expected: '2 fields', found: '4 fields' });
      expect(failure(kern, '1\n2,3\n')).to.deep.include({ error: 'ragged', line: 2, expected: '1 field', found: '2 fields' });
    });

    it('reports non-numeric fields with the offending text (a header is one, at line 1)', () => {
      expect(failure(kern, 'a,b,c\n1,2,3\n')).to.deep.equal({ error: 'non-numeric', line: 1, column: 1, expected: 'a number', found: "'a'" });
      expect(failure(kern, '1,2,3\n4, 5x ,6\n')).to.deep.include({ error: 'non-numeric', line: 2, column: 2, found: "'5x'" });
      for (const bad of ['1e', '.', '-', 'e5', '0x10', '1_000', '1.2.3', '--1', 'nanx', 'in', '1e+', '"1"']) {
        expect(failure(kern, `0,${bad}\n`), bad).to.deep.include({ error: 'non-numeric', line: 1, column: 2 });
      }
      const long = '9'.repeat(30) + 'z'.repeat(30);
      expect(failure(kern, `1,${long}\n`).found).to.equal(`'${long.slice(0, 40)}...'`);
    });

    it('reports empty fields and blank lines inside the range, never NaN-filling them', () => {
      expect(failure(kern, '1,,3\n')).to.deep.equal({ error: 'empty', line: 1, column: 2, expected: 'a number', found: 'an empty field' });
      expect(failure(kern, '1,2,\n')).to.deep.include({ error: 'empty', line: 1, column: 3 });
      expect(failure(kern, '1,2\n , 4\n')).to.deep.include({ error: 'empty', line: 2, column: 1 });
      expect(failure(kern, '1,2\n\n3,4\n')).to.deep.include({ error: 'empty', line: 2, column: 1, found: 'a blank line' });
    });

    it('rejects a delimiter that could belong to a number or end a line', () => {
      for (const delimiter of [10, 13, 46, 45, 101, 48, 256]) {
        expect(() => kern.parseCsv(new Uint8Array(1), 0, 1, delimiter), String(delimiter)).to.throw(ParameterError, /delimiter/);
      }
      expect(() => kern.parseCsv(new Uint8Array(4), 0, 5, COMMA)).to.throw(ParameterError);
    });
  });
}

if (registeredBackends().includes('native')) {
  describe('parseCsv: native and js agree', () => {
    it('give the same result or the same failure on 20000 random snippets of CSV-like text', () => {
      const rand = rng(23);
      const alphabet = '0123456789012345678901234567890123456789..,,,,,--++eE  \t\r\n\n\nnaifINFx;';
      const native = getBackend('native');
      const js = getBackend('js');
      for (let i = 0; i < 20_000; i++) {
        const len = Math.floor(rand() * 40);
        let text = '';
        for (let j = 0; j < len; j++) text += alphabet[Math.floor(rand() * alphabet.length)];
        const bytes = encoder.encode(text);
        const delimiter = i % 7 === 0 ? 59 : COMMA;
        expect(js.parseCsv(bytes, 0, bytes.length, delimiter), JSON.stringify(text)).to.deep.equal(native.parseCsv(bytes, 0, bytes.length, delimiter));
      }
    });
  });
}
