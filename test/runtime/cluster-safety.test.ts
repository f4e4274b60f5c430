import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

describe('runtime source safety', () => {
  it('lib/runtime never evaluates code (no eval, new Function, node:vm)', () => {
    const dir = fileURLToPath(new URL('../../../lib/runtime/', import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).to.be.above(5);
    const found: string[] = [];
    for (const f of files) {
      const src = readFileSync(dir + f, 'utf8');
      for (const pattern of [/\beval\s*\(/, /new\s+Function\b/, /['"](node:)?vm['"]/]) {
        if (pattern.test(src)) found.push(`${f}: ${String(pattern)}`);
      }
    }
    expect(found).to.deep.equal([]);
  });
});
