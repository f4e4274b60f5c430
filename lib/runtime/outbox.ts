/**
 * Serialized, batched sending: a ZeroMQ socket allows one `send` in flight at a time, while the runtime
 * sends from many async paths. An outbox queues messages and writes them in order; messages that pile
 * up while a send is in flight go out together as one `batch` message per destination (see
 * protocol.ts), which keeps the per-message cost of tiny tasks low.
 *
 * @packageDocumentation
 */
import { batchMessage } from './protocol.js';

/** Anything with ZeroMQ's async `send`. */
export interface Sendable {
  send(parts: Uint8Array[]): Promise<void>;
}

/** Most messages packed into one batch. */
const BATCH_MESSAGES = 512;

/** FIFO sender for one socket; errors (socket closed) are passed to `onError` and the queue goes on. */
export class Outbox {
  readonly #socket: Sendable;
  readonly #onError: (err: unknown) => void;
  /** ROUTER sockets: the first frame of each message is the destination's routing id. */
  readonly #routed: boolean;
  #queue: Uint8Array[][] = [];
  #draining = false;

  constructor(socket: Sendable, onError: (err: unknown) => void, options: { routed?: boolean } = {}) {
    this.#socket = socket;
    this.#onError = onError;
    this.#routed = options.routed ?? false;
  }

  /** Queues a multipart message (for a routed outbox, frame 0 is the routing id). */
  send(parts: Uint8Array[]): void {
    this.#queue.push(parts);
    if (!this.#draining) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) {
        const pending = this.#queue;
        this.#queue = [];
        for (const m of this.#group(pending)) {
          try {
            await this.#socket.send(m);
          } catch (err) {
            this.#onError(err);
          }
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  /** Packs queued messages into batches per destination, keeping each destination's order. */
  #group(messages: Uint8Array[][]): Uint8Array[][] {
    if (messages.length === 1) return messages;
    const byDest = new Map<string, Uint8Array[][]>();
    for (const m of messages) {
      const dest = this.#routed ? Buffer.from(m[0] as Uint8Array).toString('latin1') : '';
      const list = byDest.get(dest);
      if (list === undefined) byDest.set(dest, [m]);
      else list.push(m);
    }
    const out: Uint8Array[][] = [];
    for (const list of byDest.values()) {
      for (let i = 0; i < list.length; i += BATCH_MESSAGES) {
        const chunk = list.slice(i, i + BATCH_MESSAGES);
        if (chunk.length === 1) {
          out.push(chunk[0] as Uint8Array[]);
          continue;
        }
        const bodies = this.#routed ? chunk.map((m) => m.slice(1)) : chunk;
        const batch = batchMessage(bodies);
        out.push(this.#routed ? [(chunk[0] as Uint8Array[])[0] as Uint8Array, ...batch] : batch);
      }
    }
    return out;
  }
}
