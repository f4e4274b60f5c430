/**
 * Security of the cluster transport: CURVE key pairs and key files, the ZAP handler that admits only
 * allowlisted CURVE clients, and the fail-closed check of a driver's bind configuration.
 *
 * CURVE alone authenticates the server and encrypts; without a ZAP handler a CURVE server accepts any
 * client that knows its public key. So a CURVE server socket must only be bound after
 * {@link startZapHandler} resolved.
 *
 * @packageDocumentation
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { capability, curveKeyPair, Router, type Socket } from 'zeromq';
import { ClusterError, DataFormatError, ParameterError } from '../errors.js';
import { isZ85Key, z85Decode, z85Encode } from './z85.js';

/** A CURVE key pair, both keys as 40-character Z85 text. */
export interface KeyPair {
  readonly publicKey: string;
  readonly secretKey: string;
}

/** Generates a fresh CURVE key pair. */
export function generateKeyPair(): KeyPair {
  const { publicKey, secretKey } = curveKeyPair();
  return { publicKey, secretKey };
}

/**
 * The public key that belongs to a CURVE secret key (X25519 base-point multiplication).
 *
 * @throws {@link ParameterError} when `secretKey` is not a Z85 key
 */
export function publicKeyOf(secretKey: string): string {
  const raw = isZ85Key(secretKey) ? z85Decode(secretKey) : undefined;
  if (raw === undefined) throw new ParameterError('secretKey', 'expected a 40-character Z85 CURVE secret key');
  const d = Buffer.from(raw).toString('base64url');
  const x = createPublicKey(createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d, x: '' }, format: 'jwk' })).export({ format: 'jwk' }).x;
  return z85Encode(Buffer.from(x as string, 'base64url'));
}

interface ParsedKeys {
  publicKey: string | undefined;
  secretKey: string | undefined;
}

/** Parses a key file: JSON `{ "public": ..., "secret": ... }` or a ZeroMQ (czmq) certificate. */
function parseKeyFile(file: string, text: string): ParsedKeys {
  const checkKey = (value: unknown, what: string, line?: number): string | undefined => {
    if (value === undefined) return undefined;
    if (!isZ85Key(value)) {
      // Never echo a secret key's text in an error.
      const found = what === 'secret' ? `${typeof value === 'string' ? `${value.length} characters` : typeof value}` : JSON.stringify(value)?.slice(0, 60);
      throw new DataFormatError(file, `bad ${what} key`, { ...(line !== undefined ? { line } : {}), expected: '40-character Z85 text', found: found ?? 'nothing' });
    }
    return value;
  };
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new DataFormatError(file, `not valid JSON: ${(err as Error).message}`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new DataFormatError(file, 'expected a JSON object', { expected: '{ "public": ..., "secret": ... }' });
    const o = json as Record<string, unknown>;
    return { publicKey: checkKey(o.public, 'public'), secretKey: checkKey(o.secret, 'secret') };
  }
  const out: ParsedKeys = { publicKey: undefined, secretKey: undefined };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const m = /^\s*(public-key|secret-key)\s*=\s*"([^"]*)"\s*$/.exec(raw);
    if (m !== null) {
      if (m[1] === 'public-key') out.publicKey = checkKey(m[2], 'public', line);
      else out.secretKey = checkKey(m[2], 'secret', line);
    }
  });
  if (out.publicKey === undefined && out.secretKey === undefined) {
    throw new DataFormatError(file, 'no CURVE key found', { expected: 'JSON {"public","secret"} or a ZeroMQ certificate with public-key/secret-key lines' });
  }
  return out;
}

async function readKeyText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ParameterError('keyFile', `cannot read ${file}: ${(err as Error).message}`, { file, code: (err as NodeJS.ErrnoException).code });
  }
}

/**
 * Reads a key pair from a file (JSON `{ "public", "secret" }` or a ZeroMQ certificate with
 * `public-key = "..."` / `secret-key = "..."` lines). A missing public key is derived from the secret one.
 *
 * @throws {@link ParameterError} when the file cannot be read or is readable by group/others (POSIX)
 * @throws {@link DataFormatError} when it holds no secret key, a malformed key, or a public key that
 *   does not match the secret key
 */
export async function readKeyFile(file: string): Promise<KeyPair> {
  const text = await readKeyText(file);
  if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) {
    throw new ParameterError('keyFile', `${file} holds a secret key and must not be readable by group or others (chmod 600 ${file})`, { file });
  }
  const keys = parseKeyFile(file, text);
  if (keys.secretKey === undefined) throw new DataFormatError(file, 'no secret key', { expected: 'a "secret" field or a secret-key line' });
  const derived = publicKeyOf(keys.secretKey);
  if (keys.publicKey !== undefined && keys.publicKey !== derived) {
    throw new DataFormatError(file, 'public key does not belong to the secret key', { expected: derived, found: keys.publicKey });
  }
  return { publicKey: derived, secretKey: keys.secretKey };
}

/**
 * A public key given as Z85 text, or read from a key file (its public key, or the one derived from its
 * secret key).
 *
 * @throws {@link ParameterError} / {@link DataFormatError} as {@link readKeyFile}, without the permission check
 */
export async function readPublicKey(keyOrFile: string): Promise<string> {
  if (isZ85Key(keyOrFile)) return keyOrFile;
  const keys = parseKeyFile(keyOrFile, await readKeyText(keyOrFile));
  return keys.publicKey ?? publicKeyOf(keys.secretKey as string);
}

/**
 * Writes a key pair as JSON `{ "public", "secret" }` with mode 0600.
 *
 * @throws {@link ParameterError} when the file exists (unless `overwrite`) or cannot be written
 */
export async function writeKeyFile(file: string, pair: KeyPair, options: { overwrite?: boolean } = {}): Promise<void> {
  if (!isZ85Key(pair.publicKey) || !isZ85Key(pair.secretKey)) throw new ParameterError('pair', 'expected 40-character Z85 public and secret keys');
  try {
    await writeFile(file, `${JSON.stringify({ public: pair.publicKey, secret: pair.secretKey }, null, 2)}\n`, {
      mode: 0o600,
      flag: options.overwrite === true ? 'w' : 'wx',
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' ? 'file exists (refusing to overwrite a key)' : (err as Error).message;
    throw new ParameterError('keyFile', `cannot write ${file}: ${why}`, { file, code });
  }
}

/** One authentication decision of a {@link ZapHandler}. */
export interface ZapDecision {
  /** Whether the client was admitted. */
  readonly allowed: boolean;
  /** Security mechanism the client used (`NULL`, `PLAIN`, `CURVE`, ...). */
  readonly mechanism: string;
  /** Client's public key (Z85), for CURVE. */
  readonly publicKey: string | undefined;
  /** Client's address as libzmq reports it. */
  readonly address: string;
  /** ZAP domain of the server socket the client connected to. */
  readonly domain: string;
}

/** A running ZAP handler. */
export interface ZapHandler {
  /** Public keys (Z85) admitted; edit it to add or revoke keys at run time. */
  readonly allowed: Set<string>;
  /** Decisions so far. */
  readonly counters: { allowed: number; denied: number };
  /** Stops answering; servers set up by {@link useCurveServer} then refuse every new client (fail closed). */
  close(): Promise<void>;
}

/** Options of {@link startZapHandler}. */
export interface ZapOptions {
  /** Only requests for this ZAP domain are allowed (set the same `zapDomain` on the server socket). */
  readonly domain?: string;
  /** Called for every decision. Default: log each denied key once to stderr. */
  readonly onDecision?: (d: ZapDecision) => void;
}

const ZAP_ENDPOINT = 'inproc://zeromq.zap.01';
/** ZAP domain set by {@link useCurveServer}. */
export const ZAP_DOMAIN = 'dislib';
const ZAP_VERSION = '1.0';
/** How long {@link ZapHandler.close} waits for libzmq to free the ZAP endpoint. */
const RELEASE_WAIT_MS = 2000;

function logDenialsOnce(): (d: ZapDecision) => void {
  const seen = new Set<string>();
  return (d) => {
    const id = `${d.mechanism}/${d.publicKey ?? '-'}`;
    if (d.allowed || seen.has(id) || seen.size > 1000) return;
    seen.add(id);
    process.stderr.write(`[dislib zap ${process.pid}] denied ${d.mechanism} client ${d.publicKey ?? ''} from ${d.address || '?'}\n`);
  };
}

/**
 * Starts a ZAP handler (ZeroMQ RFC 27) in this process's default ZeroMQ context: it admits a client
 * only when it uses CURVE with a public key in `allowedPublicKeys` (status 200) and denies everything
 * else (400), including NULL and PLAIN clients. Resolves once bound, so a CURVE server bound afterwards
 * never runs without client authentication.
 *
 * @throws {@link ParameterError} when a key is not Z85
 * @throws {@link ClusterError} when another ZAP handler is already bound in this process
 */
export async function startZapHandler(allowedPublicKeys: Iterable<string>, options: ZapOptions = {}): Promise<ZapHandler> {
  const allowed = new Set<string>();
  for (const k of allowedPublicKeys) {
    if (!isZ85Key(k)) throw new ParameterError('allowedWorkerKeys', `expected 40-character Z85 public keys, found ${JSON.stringify(k)?.slice(0, 60)}`);
    allowed.add(k);
  }
  const router = new Router({ linger: 0 });
  try {
    await router.bind(ZAP_ENDPOINT);
  } catch (err) {
    router.close();
    throw new ClusterError(`cannot start the ZAP handler: ${(err as Error).message} (is another one running in this process?)`, { endpoint: ZAP_ENDPOINT });
  }
  const counters = { allowed: 0, denied: 0 };
  const onDecision = options.onDecision ?? logDenialsOnce();
  const text = (f: Uint8Array | undefined): string => (f === undefined ? '' : Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('latin1'));
  // libzmq frees the inproc endpoint of a closed socket later, in its reaper thread, and the socket's
  // monitor reports 'end' only after that: close() waits for it so that a new handler can bind at once.
  const released = new Promise<void>((resolve) => router.events.on('end', () => resolve()));

  const loop = (async () => {
    for await (const parts of router) {
      // [routing id, empty delimiter, version, request id, domain, address, identity, mechanism, credentials...]
      const [route, delimiter, version, requestId, domain, address, , mechanism, credential] = parts;
      if (route === undefined || delimiter === undefined || requestId === undefined) continue; // not a ZAP request
      const mech = text(mechanism);
      const publicKey = mech === 'CURVE' && credential?.byteLength === 32 ? z85Encode(credential) : undefined;
      const ok =
        text(version) === ZAP_VERSION &&
        publicKey !== undefined &&
        allowed.has(publicKey) &&
        (options.domain === undefined || text(domain) === options.domain);
      if (ok) counters.allowed++;
      else counters.denied++;
      try {
        onDecision({ allowed: ok, mechanism: mech, publicKey, address: text(address), domain: text(domain) });
        await router.send([route, delimiter, ZAP_VERSION, requestId, ok ? '200' : '400', ok ? 'OK' : 'Not allowed', ok ? (publicKey as string) : '', '']);
      } catch (err) {
        // One failed reply (the connection went away) must not stop authentication for everyone else.
        if (router.closed) return;
        process.stderr.write(`[dislib zap ${process.pid}] reply failed: ${(err as Error).message}\n`);
      }
    }
  })().catch((err: unknown) => {
    if (!router.closed) process.stderr.write(`[dislib zap ${process.pid}] handler stopped: ${(err as Error).message}\n`);
  });

  return {
    allowed,
    counters,
    async close() {
      // Never unbind() here: zeromq.js runs it on a libuv pool thread while this thread keeps polling the
      // socket for the loop's pending receive, and libzmq sockets are not thread-safe; when a ZAP request
      // or a pipe command arrives meanwhile, both threads process the socket's pipe commands and libzmq
      // aborts the whole process (pipe.cpp:355). zeromq.js 6.8's unbindSync() binds instead of unbinding.
      router.close();
      await loop;
      let timer: NodeJS.Timeout | undefined;
      // Bounded, so that a monitor event lost at process exit cannot hang a shutdown.
      await Promise.race([released, new Promise<void>((resolve) => (timer = setTimeout(resolve, RELEASE_WAIT_MS)))]);
      clearTimeout(timer);
    },
  };
}

/** Whether `address` is an ipc/inproc endpoint or a tcp endpoint on a loopback host. */
export function isLoopbackOrIpc(address: string): boolean {
  if (address.startsWith('ipc://') || address.startsWith('inproc://')) return true;
  const m = /^tcp:\/\/(\[[^\]]*\]|[^:;/\]]+):(\d+|\*)$/.exec(address);
  if (m === null) return false;
  const host = (m[1] as string).toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The security-relevant part of the init options. */
export interface SecureConfigInput {
  readonly address?: string | undefined;
  readonly secretKey?: string | undefined;
  readonly allowedWorkerKeys?: readonly string[] | undefined;
}

/**
 * Checks a driver's bind configuration and says which transport security it needs: `'none'` for
 * ipc/loopback without a key, `'curve'` when a secret key is given. Fails closed.
 *
 * @throws {@link ParameterError} for a malformed address, secret key or worker key, or a non-loopback
 *   address with no allowed worker keys
 * @throws {@link ClusterError} for a non-loopback address without `secretKey`, or CURVE requested while
 *   this zeromq build lacks it (`zmq.capability.curve` false)
 */
export function assertSecureConfig(options: SecureConfigInput): 'none' | 'curve' {
  const { address, secretKey, allowedWorkerKeys } = options;
  if (address !== undefined && !/^(tcp|ipc|inproc):\/\/./.test(address)) {
    throw new ParameterError('address', `expected tcp://HOST:PORT or ipc://PATH, found ${JSON.stringify(address)}`, { address });
  }
  const local = address === undefined || isLoopbackOrIpc(address);
  if (secretKey === undefined) {
    if (!local) {
      throw new ClusterError(
        `refusing to bind ${address} without authentication: a non-loopback address needs CURVE (init({ secretKey, allowedWorkerKeys }); keys from \`dislib keygen\`)`,
        { address },
      );
    }
    return 'none';
  }
  if (capability.curve !== true) {
    throw new ClusterError('CURVE security requested but this zeromq build has no CURVE support (zmq.capability.curve is false)', { address });
  }
  if (!isZ85Key(secretKey)) throw new ParameterError('secretKey', 'expected a 40-character Z85 CURVE secret key (see `dislib keygen`)');
  const keys = allowedWorkerKeys ?? [];
  keys.forEach((k, i) => {
    if (!isZ85Key(k)) throw new ParameterError('allowedWorkerKeys', `entry ${i} is not a 40-character Z85 public key`, { index: i });
  });
  if (!local && keys.length === 0) {
    throw new ParameterError('allowedWorkerKeys', `binding ${address} needs the public keys of the workers allowed to join (empty allowlist)`, { address });
  }
  return 'curve';
}

/**
 * Makes `socket` a CURVE server with `secretKey`, before it binds. ZAP is enforced: while no
 * {@link startZapHandler} runs in this process, every client is refused (libzmq would otherwise admit
 * any client that knows the server's public key).
 */
export function useCurveServer(socket: Socket, secretKey: string): void {
  socket.curveServer = true;
  socket.curveSecretKey = secretKey;
  socket.zapDomain = ZAP_DOMAIN;
  socket.zapEnforceDomain = true;
}

/** Makes `socket` a CURVE client of the server with public key `serverKey`, before it connects. */
export function useCurveClient(socket: Socket, keys: KeyPair & { readonly serverKey: string }): void {
  socket.curveServerKey = keys.serverKey;
  socket.curvePublicKey = keys.publicKey;
  socket.curveSecretKey = keys.secretKey;
}
