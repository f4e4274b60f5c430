/**
 * The parseCsv kernel on every registered backend: bit-identical to Number.parseFloat on a million random
 * doubles and on hand-picked hard cases, and the right failure (kind, line, column) for each kind of bad input.
 */
import { expect } from 'chai';
import { ParameterError } from '../../lib/errors.js';
import { getBackend, registeredBackends, type CsvParseFailure, type CsvParseOptions, type CsvParseResult, type Kernels } from '../../lib/kernels/index.js';
import { rng } from './helpers.js';

const COMMA = 44;
const encoder = new TextEncoder();
/** parseCsv options with comment markers given as text. */
const marks = (...markers: string[]): CsvParseOptions => ({ comments: markers.map((m) => encoder.encode(m)) });
const cols = (...usecols: number[]): CsvParseOptions => ({ usecols: Int32Array.from(usecols) });

function parse(kern: Kernels, text: string, delimiter = COMMA, options?: CsvParseOptions): CsvParseResult | CsvParseFailure {
  const bytes = encoder.encode(text);
  return kern.parseCsv(bytes, 0, bytes.length, delimiter, options);
}

function parsed(kern: Kernels, text: string, delimiter = COMMA, options?: CsvParseOptions): CsvParseResult {
  const res = parse(kern, text, delimiter, options);
  if ('error' in res) expect.fail(`unexpected failure ${JSON.stringify(res)}`);
  return res;
}

function failure(kern: Kernels, text: string, delimiter = COMMA, options?: CsvParseOptions): CsvParseFailure {
  const res = parse(kern, text, delimiter, options);
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

/** The double with the given bit pattern, and back. */
function fromBits(bits: bigint): number {
  return new Float64Array(new BigUint64Array([bits]).buffer)[0]!;
}
function toBits(v: number): bigint {
  return new BigUint64Array(new Float64Array([v]).buffer)[0]!;
}

/**
 * The exact decimal digits of the midpoint between the finite non-negative double v and the next one up
 * (subnormals included): the digit string and the power of ten of its last digit.
 */
function exactMidpoint(v: number): [string, number] {
  const bits = toBits(v);
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = exp === 0 ? frac : frac | (1n << 52n);
  const e2 = (exp === 0 ? 1 : exp) - 1075; // v = mant 2^e2, midpoint = (2 mant + 1) 2^(e2 - 1)
  const k = e2 - 1;
  if (k >= 0) return [((2n * mant + 1n) << BigInt(k)).toString(), 0];
  return [((2n * mant + 1n) * 5n ** BigInt(-k)).toString(), k]; // (2m+1) 5^-k 10^k
}

/** Fields near the midpoint of v and its successor: exact, truncated to `digits` digits, and one unit above. */
function midpointFields(v: number, digits: number): string[] {
  const [all, k] = exactMidpoint(v);
  const cut = Math.min(digits, all.length);
  const head = all.slice(0, cut);
  const e10 = k + all.length - cut;
  const up = (BigInt(head) + 1n).toString();
  return [`${all}e${k}`, `${head}e${e10}`, `${up}e${e10}`, `0.${head}e${e10 + cut}`];
}

/** The CSV text of fields in rows of `cols` (the last row may be shorter: then it gets its own parse). */
function rowsOf(fields: string[], cols: number, eol = '\n'): string[] {
  const lines: string[] = [];
  for (let i = 0; i < fields.length; i += cols) lines.push(fields.slice(i, i + cols).join(','));
  return lines.map((l) => l + eol);
}

/** Parse fields laid out `cols` to a row and expect every value bit-identical to Number.parseFloat. */
function expectFieldsExact(kern: Kernels, fields: string[], cols: number, eol = '\n'): void {
  const full = fields.length - (fields.length % cols);
  const res = parsed(kern, rowsOf(fields.slice(0, full), cols, eol).join(''));
  expect([res.rows, res.cols]).to.deep.equal([full / cols, full ? cols : 0]);
  expectBitIdentical(res.values, fields.slice(0, full));
  if (full < fields.length) expectBitIdentical(parsed(kern, fields.slice(full).join('\n')).values, fields.slice(full));
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

    it('is bit-identical on 1e6 bench-like doubles at 15, 16 and 17 significant digits, fixed and exponent forms', function () {
      this.timeout(120_000);
      const rand = rng(1234);
      const fields: string[] = [];
      const bitsRand = randomDoubles(200_000, 4321);
      for (let i = 0; i < 1_000_000; i++) {
        const digits = 15 + (i % 3);
        if (i % 5 === 4) {
          // uniformly random bit patterns: every exponent, subnormals included
          const v = bitsRand[(i / 5) | 0]!;
          fields.push(i % 2 ? v.toPrecision(digits) : v.toExponential(digits - 1));
        } else {
          // the kernel bench's numbers: mixed sign and magnitude 1e-3 .. 1e3, some far smaller
          const v = (rand() - 0.5) * 10 ** (6 * rand() - 3);
          fields.push(v.toPrecision(digits));
        }
      }
      expectFieldsExact(kern, fields, 10);
      expectFieldsExact(kern, fields.slice(0, 100_000), 20, '\r\n');
    });

    it('is bit-identical next to subnormal, normal-range and overflow boundaries, and on exact and near midpoints', function () {
      this.timeout(60_000);
      const anchors = [
        5e-324, 1e-323, 2.2250738585072009e-308, 2.2250738585072014e-308, 4.450147717014403e-308, 1e-300, 1e-200,
        1e-100, 1e-22, 1e-7, 0.1, 1, 2, 9007199254740992, 1e22, 1e23, 1e100, 1e200, 8.98846567431158e307,
        1.7976931348623155e308,
      ];
      const fields: string[] = [];
      for (const a of anchors) {
        const base = toBits(a);
        for (let d = -20n; d <= 20n; d++) {
          const bits = base + d;
          if (bits < 0n || bits >= 0x7ff0000000000000n) continue;
          const v = fromBits(bits);
          fields.push(v.toPrecision(17), v.toPrecision(16), v.toExponential(18), String(v), `-${v.toPrecision(17)}`);
          if (bits < 0x7fefffffffffffffn) for (const digits of [17, 19, 20, 25]) fields.push(...midpointFields(v, digits));
        }
      }
      // midpoints all over the range, normal and subnormal
      const rand = rng(77);
      const vals = randomDoubles(20_000, 78);
      for (let i = 0; i < vals.length; i++) {
        const v = Math.abs(vals[i]!);
        if (v >= 1.7976931348623157e308) continue;
        fields.push(...midpointFields(v, 15 + Math.floor(rand() * 6)));
      }
      for (let i = 0; i < 5_000; i++) fields.push(...midpointFields(fromBits(BigInt(Math.floor(rand() * 2 ** 40))), 19));
      expectFieldsExact(kern, fields, 7);
    });

    it('is bit-identical on long mantissas, runs of zeros, huge exponents and out-of-range values', () => {
      const rand = rng(99);
      const fields = [
        '1234567890123456789', '12345678901234567890', '18446744073709551615', '18446744073709551616', '9999999999999999999',
        '99999999999999999999', '0.1234567890123456789', '0.12345678901234567890', '1234567890.123456789', '123456789.0123456789',
        '12345678.90123456789', '1.000000000000000000000000001', '1.0000000000000000000000000000', '0.000000000000000000000000001234567890123456789',
        '0.' + '0'.repeat(17) + '12345', '0.' + '0'.repeat(7) + '123456789012345678', '000000000000000000000001.5', '-0.00000000',
        '1e400', '-1e400', '1e309', '1.8e308', '1.7976931348623158e308', '1.79769313486231581e308', '1.7976931348623159e308',
        '2e-324', '3e-324', '2.4703282292062327e-324', '2.4703282292062328e-324', '7.4109846876186982e-324', '1e-400', '-1e-400',
        '0e999999', '1e-99999', '123e-999999999', '1e+0400', '1E+308', '10E307', '0.001e311', '1000e-327', '1e0000000000000000022',
        '9007199254740993.0000000000000001', '4.9406564584124654e-324', '4.9406564584124655e-324', '2.225073858507201136e-308',
      ];
      // random layouts: sign, integer digits, leading zeros, fraction digits, exponent
      for (let i = 0; i < 20_000; i++) {
        const sign = ['', '-', '+'][Math.floor(rand() * 3)]!;
        const digit = (): string => String(Math.floor(rand() * 10));
        const run = (n: number): string => Array.from({ length: n }, digit).join('');
        const intPart = rand() < 0.3 ? '0'.repeat(Math.floor(rand() * 3)) + '0' : run(1 + Math.floor(rand() * 12));
        const zeros = rand() < 0.5 ? '0'.repeat(Math.floor(rand() * 24)) : '';
        const frac = run(Math.floor(rand() * 24));
        const exp = rand() < 0.4 ? `${rand() < 0.5 ? 'e' : 'E'}${rand() < 0.5 ? '-' : rand() < 0.5 ? '+' : ''}${Math.floor(rand() * 340)}` : '';
        const dot = frac || zeros ? `.${zeros}${frac}` : rand() < 0.1 ? '.' : '';
        fields.push(`${sign}${intPart}${dot}${exp}`);
      }
      expectFieldsExact(kern, fields, 1);
      expectFieldsExact(kern, fields, 8);
      expectFieldsExact(kern, fields, 8, '\r\n');
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

    it('ends each line at its first comment marker, as numpy.loadtxt strips comments', () => {
      const want = [1, 2, 3, 4];
      for (const [text, options] of [
        ['1,2 # note, 7\n3,4\n', marks('#')],
        ['1,2#x\r\n3,4 #\r\n', marks('#')],
        ['1,2\r#x\n3,4\n# last\n#\n', marks('#')],
        ['1,2 // x\n3,4 ; y\n', marks('//', ';')],
        ['1,2 ## x\n3,4 # y\n', marks('##', '#')],
        ['1,2#\n3,4', marks('#')],
      ] as const) {
        const res = parsed(kern, text, COMMA, options);
        expect([res.rows, res.cols, Array.from(res.values)], JSON.stringify(text)).to.deep.equal([2, 2, want]);
      }
      // A marker may be any byte string, even one a number uses (numpy allows it); no marker: no cut.
      expect(Array.from(parsed(kern, '1e5,2\n3\n', COMMA, marks('e')).values)).to.deep.equal([1, 3]);
      expect(parsed(kern, '1,2 ## x\n', COMMA, marks('##')).cols).to.equal(2);
      expect(failure(kern, '1,2 # x\n', COMMA, marks('##'))).to.deep.include({ error: 'non-numeric', line: 1, column: 2 });
      expect(failure(kern, '1,2 # x\n')).to.deep.include({ error: 'non-numeric', line: 1, column: 2 });
      // The content before the marker is parsed as a line: empty fields, ragged rows, blank lines.
      expect(failure(kern, '1,2,# x\n', COMMA, marks('#'))).to.deep.include({ error: 'empty', line: 1, column: 3 });
      expect(failure(kern, '1,2\n3 # ,4\n', COMMA, marks('#'))).to.deep.include({ error: 'ragged', line: 2, expected: '2 fields', found: '1 field' });
      expect(failure(kern, '1,2\n# only a comment\n3,4\n', COMMA, marks('#'))).to.deep.include({ error: 'empty', line: 2, found: 'a blank line' });
      const none = parsed(kern, '# a\n  # b\n', COMMA, marks('#'));
      expect([none.rows, none.cols]).to.deep.equal([0, 0]);
    });

    it('returns the fields usecols names, in its order, from lines of any width, without parsing the others', () => {
      const text = 'x,1, 2 ,3\ny,4,5,6,7\n';
      expect(Array.from(parsed(kern, text, COMMA, cols(3, 1)).values)).to.deep.equal([3, 1, 6, 4]);
      expect(Array.from(parsed(kern, text, COMMA, cols(-1, 2, 2)).values)).to.deep.equal([3, 2, 2, 7, 5, 5]);
      expect(parsed(kern, text, COMMA, cols(1))).to.deep.equal({ values: new Float64Array([1, 4]), rows: 2, cols: 1 });
      expect(Array.from(parsed(kern, '1,2 # 3,4\n5,6\n\n', COMMA, { ...marks('#'), ...cols(-1) }).values)).to.deep.equal([2, 6]);
      expect(failure(kern, text, COMMA, cols(1, 4))).to.deep.equal({ error: 'usecols', line: 1, column: 2, expected: 'a field at index 4', found: '4 fields' });
      expect(failure(kern, text, COMMA, cols(-5))).to.deep.include({ error: 'usecols', line: 1, column: 1, expected: 'a field at index -5' });
      expect(failure(kern, text, COMMA, cols(0))).to.deep.equal({ error: 'non-numeric', line: 1, column: 1, expected: 'a number', found: "'x'" });
      expect(failure(kern, '1,,3\n', COMMA, cols(2, 1))).to.deep.include({ error: 'empty', line: 1, column: 2 });
      expect(failure(kern, '1,2\n\n3,4\n', COMMA, cols(0))).to.deep.include({ error: 'empty', line: 2, found: 'a blank line' });
    });

    it('rejects bad comment markers and usecols', () => {
      const b = encoder.encode('1,2\n');
      for (const comments of [[new Uint8Array(0)], [encoder.encode('#\n')], [encoder.encode('\r')], ['#'], 'x']) {
        expect(() => kern.parseCsv(b, 0, b.length, COMMA, { comments } as never), JSON.stringify(comments)).to.throw(ParameterError, /comments/);
      }
      for (const usecols of [new Int32Array(0), [0], new Float64Array([0])]) {
        expect(() => kern.parseCsv(b, 0, b.length, COMMA, { usecols } as never)).to.throw(ParameterError, /usecols/);
      }
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

    it('give the same result or the same failure with random comment markers and usecols on 20000 random snippets', () => {
      const rand = rng(31);
      const alphabet = '0123456789012345678901234567890123456789..,,,,,--++eE  \t\r\n\n\nnaifINFx;##//';
      const markerSets = [['#'], ['#', '//'], ['e'], ['##', '#'], [' ']];
      const native = getBackend('native');
      const js = getBackend('js');
      for (let i = 0; i < 20_000; i++) {
        const len = Math.floor(rand() * 50);
        let text = '';
        for (let j = 0; j < len; j++) text += alphabet[Math.floor(rand() * alphabet.length)];
        const bytes = encoder.encode(text);
        const options: CsvParseOptions = {
          ...(rand() < 0.8 ? marks(...markerSets[Math.floor(rand() * markerSets.length)]!) : {}),
          ...(rand() < 0.4 ? cols(...Array.from({ length: 1 + Math.floor(rand() * 3) }, () => Math.floor(rand() * 7) - 3)) : {}),
        };
        const delimiter = i % 7 === 0 ? 59 : COMMA;
        expect(js.parseCsv(bytes, 0, bytes.length, delimiter, options), JSON.stringify([text, options])).to.deep.equal(native.parseCsv(bytes, 0, bytes.length, delimiter, options));
      }
    });

    it('give the same result or the same failure on long valid CSV with a few random edits (the optimistic row path)', function () {
      this.timeout(60_000);
      const rand = rng(29);
      const native = getBackend('native');
      const js = getBackend('js');
      const edits = '0123456789.-+eE ,\t\r\n;xn#';
      for (let i = 0; i < 2_000; i++) {
        const cols = 1 + Math.floor(rand() * 8);
        const rows = 2 + Math.floor(rand() * 30);
        const eol = rand() < 0.3 ? '\r\n' : '\n';
        const lines: string[] = [];
        for (let r = 0; r < rows; r++) {
          const fields: string[] = [];
          for (let c = 0; c < cols; c++) {
            const v = (rand() - 0.5) * 10 ** (12 * rand() - 6);
            fields.push(rand() < 0.5 ? v.toPrecision(1 + Math.floor(rand() * 17)) : String(v));
          }
          lines.push(fields.join(',') + (rand() < 0.05 ? ` # note, ${fields[0]}` : ''));
        }
        let text = lines.join(eol) + (rand() < 0.8 ? eol : '');
        const nEdits = Math.floor(rand() * 3);
        for (let k = 0; k < nEdits; k++) {
          const at = Math.floor(rand() * text.length);
          const ch = edits[Math.floor(rand() * edits.length)]!;
          const kind = rand();
          text = kind < 0.4 ? text.slice(0, at) + ch + text.slice(at) : kind < 0.7 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + ch + text.slice(at + 1);
        }
        const bytes = encoder.encode(text);
        const start = rand() < 0.2 ? Math.floor(rand() * 10) : 0;
        const delimiter = COMMA;
        const options = i % 2 === 0 ? marks('#') : {};
        const want = js.parseCsv(bytes, start, bytes.length, delimiter, options);
        expect(native.parseCsv(bytes, start, bytes.length, delimiter, options), JSON.stringify(text)).to.deep.equal(want);
      }
    });
  });
}
