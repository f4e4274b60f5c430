/**
 * The client side of worker-to-worker transfer: requests objects from other workers' peer ROUTER
 * sockets (one DEALER per peer, CURVE when the cluster uses it) and matches replies to requests.
 *
 * @packageDocumentation
 */
import { Dealer } from 'zeromq';
import type { Encoded } from './codec.js';
import { Outbox } from './outbox.js';
import { ACCEPTS, dropLogger, frameMessage, parseMessage, SOCKET_OPTIONS, unbatch, type PeerMessage, type Source } from './protocol.js';

const log = (msg: string): void => {
  process.stderr.write(`[dislib worker ${process.pid}] ${msg}\n`);
};

/** Requests objects from other workers' peer sockets (one DEALER per peer address). */
export class PeerClient {
  readonly #sockets = new Map<string, { sock: Dealer; out: Outbox }>();
  readonly #pending = new Map<number, (e: Encoded | undefined) => void>();
  readonly #curve: { publicKey: string; secretKey: string } | undefined;
  #seq = 0;
  readonly #dropped = dropLogger(log);

  constructor(curve: { publicKey: string; secretKey: string } | undefined) {
    this.#curve = curve;
  }

  /** Asks `src.worker` for object `src.key`; resolves with it, or undefined when that worker does not have it. */
  get(src: Source): Promise<Encoded | undefined> {
    const req = ++this.#seq;
    const p = new Promise<Encoded | undefined>((resolve) => this.#pending.set(req, resolve));
    this.#socket(src).out.send(frameMessage({ type: 'get', req, key: src.key }));
    return p;
  }

  #socket(src: Source): { sock: Dealer; out: Outbox } {
    let s = this.#sockets.get(src.address);
    if (s !== undefined) return s;
    const sock = new Dealer({ ...SOCKET_OPTIONS });
    if (this.#curve !== undefined && src.publicKey !== undefined) {
      sock.curveServerKey = src.publicKey;
      sock.curvePublicKey = this.#curve.publicKey;
      sock.curveSecretKey = this.#curve.secretKey;
    }
    sock.connect(src.address);
    s = { sock, out: new Outbox(sock, (err) => log(`peer send failed: ${String(err)}`)) };
    this.#sockets.set(src.address, s);
    void this.#receive(sock);
    return s;
  }

  async #receive(sock: Dealer): Promise<void> {
    for (;;) {
      let parts: Uint8Array[];
      try {
        parts = await sock.receive();
      } catch {
        if (sock.closed) return;
        continue;
      }
      try {
        for (const m of unbatch(parts)) {
          const { msg, frames } = parseMessage<PeerMessage>(m, ACCEPTS.peerClient);
          const resolve = this.#pending.get(msg.req);
          if (resolve === undefined) continue;
          this.#pending.delete(msg.req);
          resolve(msg.type === 'data' ? { header: msg.value, frames } : undefined);
        }
      } catch (err) {
        this.#dropped(`peer reply: ${String(err)}`);
      }
    }
  }

  /** Closes every peer socket. */
  close(): void {
    for (const { sock } of this.#sockets.values()) sock.close();
    this.#sockets.clear();
  }
}
