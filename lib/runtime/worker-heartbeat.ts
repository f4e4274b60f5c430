/**
 * Heartbeat thread of a worker. It runs beside the task thread, so a long task does not look like a dead
 * worker: it sends `hb` to the driver every {@link HEARTBEAT_MS} with the task thread's event-loop lag
 * (read from a shared tick), and it ends the whole process when the driver is gone: the parent process
 * died (local workers) or the driver stopped acknowledging heartbeats (remote workers).
 *
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Dealer } from 'zeromq';
import { frameMessage, SOCKET_OPTIONS } from './protocol.js';

/** Interval between heartbeats (ms). */
export const HEARTBEAT_MS = 500;
/** A remote worker that hears nothing from its driver for this long exits (ms). */
export const DRIVER_SILENCE_MS = 20_000;

/** What the task thread passes to the heartbeat thread. */
export interface HeartbeatData {
  readonly connect: string;
  readonly id: string;
  /** Pid of the driver that spawned this worker; the worker dies with it. */
  readonly parentPid?: number;
  readonly curve?: { readonly serverKey: string; readonly publicKey: string; readonly secretKey: string };
  /** Float64Array[1] over shared memory: the task thread writes Date.now() into it while its loop runs. */
  readonly tick: SharedArrayBuffer;
}

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
}

async function main(data: HeartbeatData): Promise<void> {
  const tick = new Float64Array(data.tick);
  const sock = new Dealer({ ...SOCKET_OPTIONS, routingId: `${data.id}:hb`, receiveTimeout: 1000 });
  if (data.curve !== undefined) {
    sock.curveServerKey = data.curve.serverKey;
    sock.curvePublicKey = data.curve.publicKey;
    sock.curveSecretKey = data.curve.secretKey;
  }
  sock.connect(data.connect);
  let lastAck = Date.now();
  let stopped = false;
  parentPort?.on('message', () => {
    stopped = true;
    sock.close();
  });
  // The port alone must not keep the thread alive once the socket loop has ended.
  parentPort?.unref();
  const timer = setInterval(() => {
    if (data.parentPid !== undefined && process.ppid !== data.parentPid) die();
    if (data.parentPid === undefined && Date.now() - lastAck > DRIVER_SILENCE_MS) die();
    if (stopped) return;
    const lag = Math.max(0, Date.now() - (tick[0] as number));
    sock.send(frameMessage({ type: 'hb', id: data.id, lag })).catch(() => undefined);
  }, HEARTBEAT_MS);
  while (!stopped) {
    try {
      await sock.receive();
      lastAck = Date.now();
    } catch {
      if (sock.closed) break;
    }
  }
  clearInterval(timer);
}

void main(workerData as HeartbeatData);
