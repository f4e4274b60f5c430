/**
 * Child program for the process-level cluster tests (not a test file itself):
 * - `embedded`: submits without init (the embedded default cluster), prints the result and worker pids
 *   as one JSON line, and simply ends: the runtime must shut itself down at exit.
 * - `hang`: starts a cluster, prints its worker pids, and waits forever (the test SIGKILLs it).
 */
import { get, init, stats, submit, workers } from '../../lib/runtime/index.js';
import { add, inc, taskModuleUrl } from './tasks.js';

const mode = process.argv[2];
if (mode === 'embedded') {
  const result = await get(submit(add, [submit(inc, [1]), 40]));
  console.log(JSON.stringify({ result, executor: stats().executor, pids: workers().map((w) => w.pid) }));
} else if (mode === 'hang') {
  await init({ workers: 2, taskModules: [taskModuleUrl] });
  await get(submit(inc, [1]));
  console.log(JSON.stringify({ pids: workers().map((w) => w.pid) }));
  setInterval(() => undefined, 1000);
} else {
  console.error(`unknown mode ${String(mode)}`);
  process.exit(2);
}
