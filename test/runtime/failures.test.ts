/**
 * Failures say what happened: a driver without workers says where to connect them and gives up after
 * `workerWaitMs`.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const child = fileURLToPath(new URL('./failures-child.main.js', import.meta.url));

/** Runs the child program in `mode`; resolves with its exit code and output. */
function runChild(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [child, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

describe('failures say what happened', function () {
  this.timeout(60_000);

  it('a driver with no worker prints once where workers connect, then fails reads with a ClusterError after workerWaitMs', async () => {
    const r = await runChild('no-workers', '1000');
    expect(r.code, r.stderr).to.equal(0);
    const announced = r.stderr.split('\n').filter((l) => l.includes('no worker is connected'));
    expect(announced, r.stderr).to.have.length(1);
    expect(announced[0]).to.match(/waiting up to 1000 ms for one; start workers with `dislib worker --connect tcp:\/\/127\.0\.0\.1:\d+`$/);
    const outcomes = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; message: string; ms: number });
    expect(outcomes).to.have.length(2);
    for (const o of outcomes) {
      expect(o.name).to.equal('ClusterError');
      expect(o.message).to.match(/^no worker joined within 1000 ms \(init\(\{ workerWaitMs \}\)\): start workers with `dislib worker --connect tcp:\/\/127\.0\.0\.1:\d+`/);
      expect(o.ms).to.be.within(900, 5000);
    }
    console.log(`      (no-worker reads failed after ${outcomes.map((o) => o.ms).join(' and ')} ms with workerWaitMs 1000)`);
  });
});
