/**
 * Wire protocol between the driver, workers and worker peers. A message is a multipart ZeroMQ message:
 * frame 0 is a JSON header `{ type, ... }`, the following frames are the binary frames of an encoded
 * value (see codec.ts). Every incoming message is checked by {@link parseMessage} (frame count and
 * sizes, JSON shape, field types) before anything acts on it; a bad one raises {@link ProtocolError},
 * which receivers log and drop.
 *
 * @packageDocumentation
 */
import { DislibError } from '../errors.js';
import type { FailureInfo } from './failure.js';

/** Protocol version sent in `hello`; a worker of another version is refused. */
export const PROTOCOL_VERSION = 1;
/** Largest JSON header accepted (bytes). */
export const MAX_HEADER_BYTES = 64 << 20;
/** Most binary frames in one message. */
export const MAX_FRAMES = 100_000;
/** Largest single message part accepted by sockets (ZMQ_MAXMSGSIZE). */
export const MAX_FRAME_BYTES = 2 ** 31 - 1;
const MAX_KEY = 1024;
const MAX_LIST = 1_000_000;

/** A received message was malformed and dropped. */
export class ProtocolError extends DislibError {}

/** Description of where one input of a run comes from: the holder's id and peer address. */
export interface Source {
  readonly key: string;
  readonly worker: string;
  readonly address: string;
  /** Holder's CURVE public key (remote mode). */
  readonly publicKey?: string;
  /** The object comes from a recompute-only task: a fetched copy is dropped under memory pressure, not spilled. */
  readonly recomputeOnly?: boolean;
}

/** Messages a worker sends to the driver. */
export type WorkerMessage =
  | { type: 'hello'; version: number; id: string; pid: number; host: string; address: string; publicKey?: string }
  | { type: 'hb'; id: string; lag: number }
  | { type: 'done'; key: string; bytes: number[]; fetched: string[]; bytesIn: number; start: number; end: number; mem: number[] }
  | { type: 'erred'; key: string; failure: FailureInfo; fetched: string[] }
  /** Input `dep` of task `key` could not be had from `holder`: it lacks it, or (`gone`) the connection to it broke. */
  | { type: 'missing'; key: string; dep: string; holder: string; fetched: string[]; gone?: boolean }
  | { type: 'value'; req: number; key: string; value: string }
  | { type: 'nodata'; req: number; key: string }
  /** Answer to a `fetch` with `wait`: this worker will not produce the object (ask its holder once it exists). */
  | { type: 'later'; req: number; key: string };

/** Messages the driver sends to a worker. */
export type DriverMessage =
  | { type: 'welcome'; taskModules: string[]; memoryLimit: number; spillDir: string; peerKeys: string[] }
  | { type: 'run'; key: string; name: string; outputs: string[]; args: string; sources: Source[]; recomputeOnly: boolean; module?: string }
  | { type: 'cancel'; keys: string[] }
  | { type: 'free'; keys: string[] }
  /**
   * Read of a stored object. With `wait`, the object may still be due from a task queued on the worker,
   * which then sends it as soon as it is computed (saving a round trip after `done`).
   */
  | { type: 'fetch'; req: number; key: string; wait?: boolean }
  | { type: 'hbAck' }
  | { type: 'stop' };

/** Messages between worker peers (object transfer). */
export type PeerMessage =
  | { type: 'get'; req: number; key: string }
  | { type: 'data'; req: number; key: string; value: string }
  | { type: 'nodata'; req: number; key: string };

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string' && v.length <= MAX_KEY;
const text: Check = (v) => typeof v === 'string' && v.length <= MAX_HEADER_BYTES;
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const int: Check = (v) => Number.isSafeInteger(v);
const bool: Check = (v) => typeof v === 'boolean';
const opt =
  (c: Check): Check =>
  (v) =>
    v === undefined || c(v);
const list =
  (c: Check): Check =>
  (v) =>
    Array.isArray(v) && v.length <= MAX_LIST && v.every(c);
const shape =
  (fields: Record<string, Check>): Check =>
  (v) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && Object.entries(fields).every(([k, c]) => c((v as Record<string, unknown>)[k]));
const failure = shape({
  task: str,
  key: str,
  message: text,
  reason: (v) => v === 'error' || v === 'killed-worker' || v === 'lost-dependency',
  workerId: opt(str),
  stack: opt(text),
});
const source = shape({ key: str, worker: str, address: str, publicKey: opt(str), recomputeOnly: opt(bool) });

/** Field checks per message type; a type not listed here is rejected. */
const SCHEMAS: Record<string, Record<string, Check>> = {
  hello: { version: int, id: str, pid: int, host: str, address: str, publicKey: opt(str) },
  hb: { id: str, lag: num },
  done: { key: str, bytes: list(int), fetched: list(str), bytesIn: int, start: num, end: num, mem: list(num) },
  erred: { key: str, failure, fetched: list(str) },
  missing: { key: str, dep: str, holder: str, fetched: list(str), gone: opt(bool) },
  value: { req: int, key: str, value: text },
  nodata: { req: int, key: str },
  later: { req: int, key: str },
  welcome: { taskModules: list(text), memoryLimit: num, spillDir: text, peerKeys: list(str) },
  run: { key: str, name: str, outputs: list(str), args: text, sources: list(source), recomputeOnly: bool, module: opt(text) },
  cancel: { keys: list(str) },
  free: { keys: list(str) },
  fetch: { req: int, key: str, wait: opt(bool) },
  hbAck: {},
  stop: {},
  get: { req: int, key: str },
  data: { req: int, key: str, value: text },
};

/** Which message types each receiver accepts. */
export const ACCEPTS = {
  driver: new Set(['hello', 'hb', 'done', 'erred', 'missing', 'value', 'nodata', 'later']),
  worker: new Set(['welcome', 'run', 'cancel', 'free', 'fetch', 'hbAck', 'stop']),
  peerServer: new Set(['get']),
  peerClient: new Set(['data', 'nodata']),
} as const;

/** A parsed message and the binary frames that followed its header. */
export interface Parsed<M> {
  readonly msg: M;
  readonly frames: Uint8Array[];
}

/**
 * Validates and parses a received multipart message (without any routing-id frame).
 *
 * @throws {@link ProtocolError} on too many frames, an oversized or non-JSON header, an unknown type for
 *   this receiver, or a field of the wrong type
 */
export function parseMessage<M extends { type: string }>(parts: readonly Uint8Array[], accepts: ReadonlySet<string>): Parsed<M> {
  const head = parts[0];
  if (head === undefined) throw new ProtocolError('empty message');
  if (parts.length > MAX_FRAMES + 1) throw new ProtocolError(`too many frames (${parts.length})`);
  if (head.byteLength > MAX_HEADER_BYTES) throw new ProtocolError(`header of ${head.byteLength} bytes exceeds ${MAX_HEADER_BYTES}`);
  let msg: unknown;
  try {
    msg = JSON.parse(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8'));
  } catch {
    throw new ProtocolError('header is not JSON');
  }
  const type = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !accepts.has(type)) throw new ProtocolError(`unexpected message type ${JSON.stringify(type)?.slice(0, 64)}`);
  const schema = SCHEMAS[type] as Record<string, Check>;
  for (const [k, check] of Object.entries(schema)) {
    if (!check((msg as Record<string, unknown>)[k])) throw new ProtocolError(`${type}: bad field ${k}`);
  }
  return { msg: msg as M, frames: parts.slice(1) as Uint8Array[] };
}

/**
 * Packs several messages (each a header frame plus binary frames) into one:
 * `{"type":"batch","parts":[n1,n2,...]}` followed by all their frames, message i having ni frames.
 */
export function batchMessage(messages: readonly Uint8Array[][]): Uint8Array[] {
  const head = Buffer.from(JSON.stringify({ type: 'batch', parts: messages.map((m) => m.length) }), 'utf8');
  return [head, ...messages.flat()];
}

/**
 * Splits a received message into the messages it carries: itself, or the members of a `batch`.
 *
 * @throws {@link ProtocolError} when a batch header is malformed or its counts do not match the frames
 */
export function unbatch(parts: Uint8Array[]): Uint8Array[][] {
  const head = parts[0];
  // Cheap check first: only a header starting with the batch prefix is parsed here.
  if (head === undefined || head.byteLength > MAX_HEADER_BYTES || !Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 16)).toString('latin1').startsWith('{"type":"batch"')) {
    return [parts];
  }
  let counts: unknown;
  try {
    counts = (JSON.parse(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8')) as { parts?: unknown }).parts;
  } catch {
    throw new ProtocolError('batch header is not JSON');
  }
  if (!Array.isArray(counts) || counts.length > MAX_FRAMES || !counts.every((n) => Number.isSafeInteger(n) && (n as number) >= 1)) {
    throw new ProtocolError('batch: bad part counts');
  }
  const total = (counts as number[]).reduce((a, b) => a + b, 0);
  if (total !== parts.length - 1) throw new ProtocolError(`batch: counts add up to ${total}, found ${parts.length - 1} frames`);
  const out: Uint8Array[][] = [];
  let at = 1;
  for (const n of counts as number[]) {
    out.push(parts.slice(at, at + n));
    at += n;
  }
  return out;
}

/** Builds the frames of a message: its JSON header followed by binary frames. */
export function frameMessage(msg: WorkerMessage | DriverMessage | PeerMessage, frames: readonly Uint8Array[] = []): Uint8Array[] {
  return [Buffer.from(JSON.stringify(msg), 'utf8'), ...frames];
}

/** Socket options shared by every runtime socket (size limit, no lingering on close). */
export const SOCKET_OPTIONS = { maxMessageSize: MAX_FRAME_BYTES, linger: 0, sendHighWaterMark: 0, receiveHighWaterMark: 0 } as const;

/**
 * A logger for dropped messages: the first 10 are logged in full, then one line per 1,000, so that a
 * flood of bad frames cannot flood the log.
 */
export function dropLogger(log: (line: string) => void): (what: string) => void {
  let n = 0;
  return (what) => {
    n++;
    if (n <= 10 || n % 1000 === 0) log(`dropped message #${n}: ${what}${n === 10 ? ' (from now on, one line per 1,000 drops)' : ''}`);
  };
}
