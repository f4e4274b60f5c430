/**
 * Child program of the failure-reporting tests (not a test file itself):
 * - `no-workers WAIT_MS`: a driver with `workers: 0` awaits two results in turn; prints one JSON line
 *   per outcome (`{ name, message, ms }`), then shuts down.
 */
import { get, init, shutdown, submit } from '../../lib/runtime/index.js';
import { add, inc, taskModuleUrl } from './tasks.js';

const [mode, arg] = process.argv.slice(2);
if (mode === 'no-workers') {
  await init({ workers: 0, address: 'tcp://127.0.0.1:*', workerWaitMs: Number(arg), taskModules: [taskModuleUrl] });
  for (const f of [submit(inc, [1]), submit(add, [1, 2])]) {
    const t0 = performance.now();
    const outcome = await get(f).then(
      (value) => ({ value }),
      (e: unknown) => ({ name: (e as Error).name, message: (e as Error).message }),
    );
    console.log(JSON.stringify({ ...outcome, ms: Math.round(performance.now() - t0) }));
  }
  await shutdown();
} else {
  console.error(`unknown mode ${String(mode)}`);
  process.exit(2);
}
