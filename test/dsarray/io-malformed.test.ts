/**
 * 100 generated malformed CSVs (ragged rows, non-numeric, empty and quoted fields, empty files, BOM,
 * CRLF, huge lines, headers) loaded by one runtime: each ends in a DataFormatError naming the right
 * line and column, in under 2 s, and no task fails (workers never crash on bad data).
 */
import { expect } from 'chai';
import { DataFormatError } from '../../lib/errors.js';
import { init, shutdown, stats, workers } from '../../lib/runtime/index.js';
import { loadTxtFile } from '../../lib/dsarray/io/index.js';
import { rng } from '../kernels/helpers.js';
import { TempDir } from './io-helpers.js';

interface Case {
  name: string;
  content: string | Uint8Array;
  rangeBytes?: number;
  skipHeader?: boolean;
  line: number;
  column: number | undefined;
  message: RegExp;
}

const BAD_WORDS = ['abc', '1.2.3', '--1', '1e', 'nan1', '0x1F', '1_000', '1d5', 'TRUE', '12a', '.', '+'];

function makeCases(): Case[] {
  const r = rng(4242);
  const int = (lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
  const num = (): string => {
    const v = (r() - 0.5) * 10 ** int(-5, 5);
    return [v.toString(), v.toExponential(int(0, 16)), v.toFixed(int(0, 8)), String(int(-99, 99))][int(0, 3)] as string;
  };
  const table = (rows: number, cols: number): string[][] => Array.from({ length: rows }, () => Array.from({ length: cols }, num));
  const text = (t: string[][], eol = '\n'): string => t.map((row) => row.join(',')).join(eol) + eol;
  const cases: Case[] = [];
  const kinds = ['too-many', 'too-few', 'non-numeric', 'empty', 'quoted', 'crlf', 'bom'] as const;
  for (let k = 0; k < 84; k++) {
    const kind = kinds[k % kinds.length] as (typeof kinds)[number];
    const [rows, cols] = [int(2, 300), int(2, 8)];
    const t = table(rows, cols);
    const bad = int(2, rows);
    const col = int(1, cols);
    const row = t[bad - 1] as string[];
    let column = col;
    let message = /non-numeric field/;
    let eol = '\n';
    let bom = false;
    switch (kind) {
      case 'too-many':
        row.push(...Array.from({ length: int(1, 3) }, num));
        [column, message] = [cols + 1, /ragged row/];
        break;
      case 'too-few':
        row.length = int(1, cols - 1);
        [column, message] = [row.length + 1, /ragged row/];
        break;
      case 'non-numeric':
        row[col - 1] = BAD_WORDS[k % BAD_WORDS.length] as string;
        break;
      case 'empty':
        row[col - 1] = r() < 0.5 ? '' : '  ';
        message = /empty field/;
        break;
      case 'quoted':
        row[col - 1] = `"${row[col - 1] as string}"`;
        message = /quoted field/;
        break;
      case 'crlf':
        row[col - 1] = 'x';
        eol = '\r\n';
        break;
      case 'bom':
        row[col - 1] = 'inf!';
        bom = true;
        break;
    }
    const body = text(t, eol);
    cases.push({
      name: `${kind} #${k} (${rows}x${cols}, line ${bad})`,
      content: bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]) : body,
      ...(k % 3 === 0 ? {} : { rangeBytes: int(16, 2000) }),
      line: bad,
      column,
      message,
    });
  }
  // Huge lines: a 2 MB non-numeric field, and a 100k-field ragged line, spanning many byte ranges.
  for (let k = 0; k < 4; k++) {
    const t = table(50, 3);
    const bad = 10 + k * 9;
    if (k % 2 === 0) (t[bad - 1] as string[])[1] = '9'.repeat(1 << 20) + 'x' + '9'.repeat(1 << 20);
    else (t[bad - 1] as string[]).push(...Array.from({ length: 100000 }, () => '1'));
    cases.push({
      name: `huge line #${k}`,
      content: text(t),
      rangeBytes: k % 2 === 0 ? 1 << 16 : 4096,
      line: bad,
      column: k % 2 === 0 ? 2 : 4,
      message: k % 2 === 0 ? /non-numeric field/ : /ragged row/,
    });
  }
  // Empty files, a BOM alone, blank lines only: nothing to load.
  for (const [name, content] of [['empty', ''], ['bom only', '\ufeff'], ['newlines', '\n\n\n'], ['crlf only', '\r\n\r\n']] as const) {
    cases.push({ name: `empty file: ${name}`, content, line: 1, column: undefined, message: /empty file|no data rows/ });
  }
  // Headers without skipHeader: line 1, column 1, with the hint.
  for (let k = 0; k < 4; k++) {
    const head = Array.from({ length: 3 }, (_, i) => `col${i}`).join(',');
    cases.push({ name: `header #${k}`, content: `${head}\n${text(table(20, 3))}`, ...(k > 1 ? { rangeBytes: 7 } : {}), line: 1, column: 1, message: /skipHeader: true/ });
  }
  // A ragged first row of a later byte range, and a bad row right after an empty line.
  for (let k = 0; k < 4; k++) {
    const t = table(40, 4);
    const bad = 20 + k;
    (t[bad - 1] as string[]).pop();
    const lines = t.map((row) => row.join(','));
    if (k >= 2) lines.splice(bad - 1, 0, '');
    cases.push({ name: `ragged at a range or segment start #${k}`, content: `${lines.join('\n')}\n`, rangeBytes: 40 + k, line: k >= 2 ? bad + 1 : bad, column: 4, message: /ragged row/ });
  }
  return cases;
}

describe('dsarray/io loadTxtFile on 100 malformed CSVs', function () {
  this.timeout(120000);
  const tmp = new TempDir();
  const cases = makeCases();
  let pids: number[] = [];
  before(async () => {
    await init({ workers: 2 });
    // Warm the workers (module loading) so that the 2 s budget measures loads, not start-up.
    await loadTxtFile(tmp.file('warm.csv', '1,2\n3,4\n'), [1, 1], { rangeBytes: 2 });
    pids = workers().map((w) => w.pid);
  });
  after(async () => {
    await shutdown();
    tmp.cleanup();
  });

  it('generates 100 cases', () => {
    expect(cases).to.have.length(100);
  });

  cases.forEach((c, i) => {
    it(`${c.name}: DataFormatError at line ${c.line}, column ${String(c.column)}`, async () => {
      const path = tmp.file(`bad-${i}.csv`, c.content);
      const t0 = performance.now();
      const err = await loadTxtFile(path, [7, 2], { ...(c.rangeBytes ? { rangeBytes: c.rangeBytes } : {}) }).then(
        () => undefined,
        (e: unknown) => e,
      );
      const ms = performance.now() - t0;
      expect(err, 'must fail').to.be.instanceOf(DataFormatError);
      const e = err as DataFormatError;
      expect(e.file).to.equal(path);
      expect([e.line, e.column], e.message).to.deep.equal([c.line, c.column]);
      expect(e.message).to.match(c.message);
      expect(e.message.length, 'message stays short on huge lines').to.be.below(400);
      expect(ms, 'time').to.be.below(2000);
    });
  });

  it('no task failed and no worker died', () => {
    expect(stats().tasksFailed).to.equal(0);
    expect(workers().map((w) => w.pid)).to.deep.equal(pids);
  });
});
