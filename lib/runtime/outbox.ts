/**
 * Serialized sending: a ZeroMQ socket allows one `send` in flight at a time, while the runtime sends
 * from many async paths. An outbox queues messages and writes them in order.
 *
 * @packageDocumentation
 */

/** Anything with ZeroMQ's async `send`. */
export interface Sendable {
  send(parts: Uint8Array[]): Promise<void>;
}

/** FIFO sender for one socket; errors (socket closed) are passed to `onError` and the queue goes on. */
export class Outbox {
  readonly #socket: Sendable;
  readonly #onError: (err: unknown) => void;
  readonly #queue: Uint8Array[][] = [];
  #draining = false;

  constructor(socket: Sendable, onError: (err: unknown) => void) {
    this.#socket = socket;
    this.#onError = onError;
  }

  /** Queues a multipart message. */
  send(parts: Uint8Array[]): void {
    this.#queue.push(parts);
    if (!this.#draining) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      for (let m = this.#queue.shift(); m !== undefined; m = this.#queue.shift()) {
        try {
          await this.#socket.send(m);
        } catch (err) {
          this.#onError(err);
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}
