/**
 * Entry point of a local worker process spawned by the driver:
 * `node worker-main.js --connect ENDPOINT --id ID --parent PID [--networked] [--advertise-host HOST] [--socket-dir DIR]`;
 * CURVE keys come in `DISLIB_SERVER_KEY`, `DISLIB_PUBLIC_KEY`, `DISLIB_SECRET_KEY`.
 *
 * @packageDocumentation
 */
import { parseArgs } from 'node:util';
import { runWorker } from './worker.js';

const { values } = parseArgs({
  options: {
    connect: { type: 'string' },
    id: { type: 'string' },
    parent: { type: 'string' },
    networked: { type: 'boolean' },
    'advertise-host': { type: 'string' },
    'socket-dir': { type: 'string' },
  },
  strict: true,
});
if (values.connect === undefined) {
  process.stderr.write('worker-main: --connect ENDPOINT is required\n');
  process.exit(2);
}
const parentPid = values.parent !== undefined ? Number(values.parent) : undefined;
const { DISLIB_SERVER_KEY: serverKey, DISLIB_PUBLIC_KEY: publicKey, DISLIB_SECRET_KEY: secretKey } = process.env;
delete process.env.DISLIB_SECRET_KEY;
runWorker({
  connect: values.connect,
  ...(serverKey !== undefined && publicKey !== undefined && secretKey !== undefined ? { serverKey, publicKey, secretKey } : {}),
  ...(values.networked === true ? { networked: true } : {}),
  ...(values['advertise-host'] !== undefined ? { advertiseHost: values['advertise-host'] } : {}),
  ...(values['socket-dir'] !== undefined ? { socketDir: values['socket-dir'] } : {}),
  ...(values.id !== undefined ? { id: values.id } : {}),
  ...(parentPid !== undefined && Number.isInteger(parentPid) ? { parentPid } : {}),
}).then(
  // Stopped by the driver: end now, even while a task of the stopped queue still awaits something.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`worker-main: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
