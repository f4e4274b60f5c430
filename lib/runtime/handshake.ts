/**
 * Watches a worker's connection to its driver until it is established, and says why it never will be:
 * the driver's ZAP handler refused the worker's key, the CURVE handshake failed because the server key
 * is not the driver's, or nothing answers at the address. ZeroMQ itself only retries, silently, forever.
 *
 * @packageDocumentation
 */
import type { Socket } from 'zeromq';
import { ClusterError } from '../errors.js';

/** Options of {@link watchHandshake}. */
export interface HandshakeWatchOptions {
  /** The worker uses CURVE (it has a key pair and the driver's public key). */
  readonly curve: boolean;
  /** Give up when no handshake succeeded within this many ms (undefined: wait as long as it takes). */
  readonly answerWithinMs?: number;
}

/**
 * Resolves once the first ZMTP handshake with `endpoint` succeeded; rejects with a {@link ClusterError}
 * naming the cause as soon as one fails, or when nothing completed one within `answerWithinMs`. Stops
 * observing `socket` either way (and when the socket closes).
 */
export async function watchHandshake(socket: Socket, endpoint: string, options: HandshakeWatchOptions): Promise<void> {
  const events = socket.events;
  let connected = false;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    if (options.answerWithinMs !== undefined) timer = setTimeout(() => resolve('timeout'), options.answerWithinMs);
  });
  try {
    for (;;) {
      const event = await Promise.race([events.receive(), timedOut]);
      if (event === 'timeout') {
        throw new ClusterError(
          connected
            ? `${endpoint} accepted a connection but no ZeroMQ handshake completed within ${options.answerWithinMs} ms: is a dislib driver listening there?`
            : `nothing answers at ${endpoint} (no connection within ${options.answerWithinMs} ms): is the driver running, and are the host and port right?`,
          { endpoint },
        );
      }
      switch (event.type) {
        case 'connect':
          connected = true;
          break;
        case 'handshake':
          return;
        case 'handshake:error:auth':
          throw new ClusterError(
            options.curve
              ? `the driver at ${endpoint} refused this worker: its public key is not on the driver's allowlist (init({ allowedWorkerKeys }))`
              : `the driver at ${endpoint} refused this worker: it requires CURVE keys (--key and --server-key)`,
            { endpoint },
          );
        case 'handshake:error:protocol':
        case 'handshake:error:other':
          throw new ClusterError(
            options.curve
              ? `the CURVE handshake with ${endpoint} failed: the server key does not match the driver's public key (check --server-key)`
              : `the handshake with ${endpoint} failed: the driver may require CURVE keys (--key and --server-key)`,
            { endpoint, cause: event.type },
          );
        case 'end':
          return; // the socket was closed: nothing to watch any more
        default:
          break; // connection attempts ('connect:delay', 'close', 'connect:retry') go on
      }
    }
  } finally {
    clearTimeout(timer);
    events.close();
  }
}
