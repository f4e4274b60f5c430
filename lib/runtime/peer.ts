/**
 * The client side of worker-to-worker transfer: requests objects from other workers' peer ROUTER
 * sockets (one DEALER per peer, CURVE when the cluster uses it) and matches replies to requests. When
 * the transport reports a peer gone (its connection dropped, or a connection attempt failed), the
 * requests waiting on it end at once with {@link PEER_GONE}: the driver would only learn of the death
 * from missing heartbeats, seconds later.
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

/** What a request ends with when the connection to the peer broke. */
export const PEER_GONE = 'gone';

/** A peer's reply: the object, undefined when the peer does not hold it, or {@link PEER_GONE}. */
export type PeerReply = Encoded | undefined | typeof PEER_GONE;

interface PeerSocket {
  readonly sock: Dealer;
  readonly out: Outbox;
  /** Requests sent on this socket and not answered yet. */
  readonly pending: Set<number>;
  /** The connection broke and has not come back. */
  down: boolean;
}

/** Requests objects from other workers' peer sockets (one DEALER per peer address). */
export class PeerClient {
  readonly #sockets = new Map<string, PeerSocket>();
  readonly #pending = new Map<number, (e: PeerReply) => void>();
  readonly #curve: { publicKey: string; secretKey: string } | undefined;
  #seq = 0;
  readonly #dropped = dropLogger(log);

  constructor(curve: { publicKey: string; secretKey: string } | undefined) {
    this.#curve = curve;
  }

  /**
   * Asks `src.worker` for object `src.key`; resolves with it, undefined when that worker does not have
   * it, or {@link PEER_GONE} when the connection to it broke (at once if it is known to be down).
   */
  get(src: Source): Promise<PeerReply> {
    const s = this.#socket(src);
    if (s.down) return Promise.resolve(PEER_GONE);
    const req = ++this.#seq;
    const p = new Promise<PeerReply>((resolve) => this.#pending.set(req, resolve));
    s.pending.add(req);
    s.out.send(frameMessage({ type: 'get', req, key: src.key }));
    return p;
  }

  #socket(src: Source): PeerSocket {
    let s = this.#sockets.get(src.address);
    if (s !== undefined) return s;
    const sock = new Dealer({ ...SOCKET_OPTIONS });
    if (this.#curve !== undefined && src.publicKey !== undefined) {
      sock.curveServerKey = src.publicKey;
      sock.curvePublicKey = this.#curve.publicKey;
      sock.curveSecretKey = this.#curve.secretKey;
    }
    s = { sock, out: new Outbox(sock, (err) => log(`peer send failed: ${String(err)}`)), pending: new Set(), down: false };
    void this.#watch(s);
    sock.connect(src.address);
    this.#sockets.set(src.address, s);
    void this.#receive(s);
    return s;
  }

  /** Ends the requests waiting on a peer whose connection broke; a reconnection makes it usable again. */
  async #watch(s: PeerSocket): Promise<void> {
    try {
      for await (const event of s.sock.events) {
        if (event.type === 'connect') s.down = false;
        if (event.type !== 'disconnect' && event.type !== 'connect:retry') continue;
        s.down = true;
        for (const req of s.pending) this.#settle(req, PEER_GONE);
        s.pending.clear();
      }
    } catch {
      // the socket closed
    }
  }

  #settle(req: number, reply: PeerReply): void {
    const resolve = this.#pending.get(req);
    if (resolve === undefined) return;
    this.#pending.delete(req);
    resolve(reply);
  }

  async #receive(s: PeerSocket): Promise<void> {
    const { sock } = s;
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
          s.pending.delete(msg.req);
          this.#settle(msg.req, msg.type === 'data' ? { header: msg.value, frames } : undefined);
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
