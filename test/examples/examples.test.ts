/**
 * The programs of examples/ run as a user runs them: each compiled example is a child process that
 * imports 'dislib-ts' by name (the package's self-reference), must exit 0 with nothing on stderr, and
 * print the lines that show it did its job.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));

/** What each example must print; an example missing here fails, so that every example is checked. */
const EXPECTED: Record<string, readonly RegExp[]> = {
  'typical-program.js': [/^samples 30000, features 2, blocks 6 x 1$/m, /^cluster sizes \[\d+,\d+,\d+\]$/m, /^inertia \d+\.\d+ after \d+ iterations/m],
  'ds-arrays.js': [/^column means \[\[5\.5,6\.5,7\.5\]\]$/m, /^gram diagonal \[166,214,270\]$/m, /^random means within 0\.01 of 0\.5: true$/m],
  'kmeans-model.js': [/^labels \[(0,0,0,1,1,1|1,1,1,0,0,0)\]$/m, /^loaded model predicts the same labels: true$/m],
};

describe('examples', function () {
  this.timeout(120_000);
  const programs = readdirSync(examplesDir).filter((f) => f.endsWith('.js')).sort();

  it('finds the compiled examples', () => {
    expect(programs).to.include.members(Object.keys(EXPECTED));
  });

  for (const program of programs) {
    it(`${program} exits 0 with a clean stderr`, async () => {
      const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [join(examplesDir, program)], { timeout: 100_000 }, (err, out, errOut) =>
          resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout: out, stderr: errOut }),
        );
      });
      expect(stderr, 'stderr').to.equal('');
      expect(code, `exit code; stdout:\n${stdout}`).to.equal(0);
      const expected = EXPECTED[program];
      expect(expected, `expected output of ${program} (add it to EXPECTED)`).to.not.equal(undefined);
      for (const line of expected ?? []) expect(stdout).to.match(line);
    });
  }
});
