/**
 * A worker's object store: task results kept in memory up to a byte limit; past it, least-recently-used
 * results are written to spill files (or dropped, when they are recompute-only) and read back on demand.
 *
 * Spill files hold one object each: a fixed prefix, the frame lengths, the JSON header and the frames,
 * each part padded to 8 bytes so a read-back frame can be viewed as any typed array without a copy.
 * Frames are handed to `writev` as they are (no concatenation). A file stays on disk while its object is
 * read back into memory, so evicting that object again costs no write.
 *
 * @packageDocumentation
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, open, rm, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DislibError, ParameterError } from '../errors.js';
import { encodedBytes, type Encoded } from './codec.js';
import { removeStaleDirs } from './run-dir.js';

/**
 * How to start a worker process so that it keeps its memory limit tightly: `gc` exposed, so the store
 * frees evicted buffers at once, and glibc told to return large freed blocks to the OS (mmap threshold
 * 1 MiB) rather than keep them in its heap. Use as `spawn(node, [...execArgv, main], { env: { ...env } })`.
 */
export const WORKER_PROCESS = { execArgv: ['--expose-gc'], env: { MALLOC_MMAP_THRESHOLD_: '1048576' } } as const;

/** Writing or reading a spill file failed for a reason other than the file being gone (disk full, I/O error). */
export class StoreError extends DislibError {}

/** Options of {@link ObjectStore}. */
export interface ObjectStoreOptions {
  /** The worker's memory budget for task data, in bytes. */
  readonly memoryLimit: number;
  /**
   * Fraction of `memoryLimit` the store's own objects may occupy before LRU ones are spilled or dropped
   * (like Dask's `target`). The rest is headroom for the inputs, copies and results of running tasks and
   * for freed buffers the garbage collector has not returned yet. Default 0.5.
   */
  readonly target?: number;
  /** Directory under which the store creates its own `dislib-spill-<host>-<pid>-<random>` spill directory (on first spill). */
  readonly spillDir: string;
  /** Called when a spill not awaited by a `put` (after `unpin` or a read-back) fails. Default: log to stderr. */
  readonly onBackgroundError?: (err: StoreError) => void;
}

/** Options of {@link ObjectStore.put}. */
export interface PutOptions {
  /** Drop the object instead of spilling it under memory pressure (it is recomputed from lineage). */
  readonly recomputeOnly: boolean;
}

/** Where an object is: in memory (maybe also on disk), only on disk, or dropped (recompute from lineage). */
export type Location = 'memory' | 'disk' | 'dropped';

/** Running totals of a store, for `stats()`. */
export interface StoreCounters {
  /** Bytes written to spill files. */
  bytesSpilled: number;
  /** Bytes read back from spill files. */
  bytesUnspilled: number;
  /** Objects dropped: recompute-only ones evicted, and spilled ones whose file vanished or was corrupt. */
  dropped: number;
}

interface Entry {
  readonly bytes: number;
  readonly recomputeOnly: boolean;
  /** The object while it is in memory. */
  value: Encoded | undefined;
  /** Its spill file, once written. */
  file: string | undefined;
  pins: number;
  /** A spill of this entry is under way. */
  releasing: boolean;
  /** A read-back of this entry is under way. */
  loading: Promise<Encoded | undefined> | undefined;
}

const MAGIC = 0x5053_4c44; // 'DLSP' little-endian
const FORMAT_VERSION = 1;
const PREFIX_BYTES = 16; // magic u32, version u32, header bytes u32, frame count u32

const pad8 = (n: number): number => (8 - (n % 8)) % 8;
const ZEROS = new Uint8Array(8);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Builds the file layout: the head (prefix, frame lengths, header) and the buffers to write in order. */
function spillBuffers(e: Encoded): Uint8Array[] {
  const header = Buffer.from(e.header, 'utf8');
  const lensAt = PREFIX_BYTES;
  const headerAt = lensAt + 8 * e.frames.length;
  const head = new Uint8Array(headerAt + header.byteLength + pad8(headerAt + header.byteLength));
  const dv = new DataView(head.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, FORMAT_VERSION, true);
  dv.setUint32(8, header.byteLength, true);
  dv.setUint32(12, e.frames.length, true);
  e.frames.forEach((f, i) => dv.setFloat64(lensAt + 8 * i, f.byteLength, true));
  head.set(header, headerAt);
  const out: Uint8Array[] = [head];
  for (const f of e.frames) {
    if (f.byteLength > 0) out.push(f);
    const p = pad8(f.byteLength);
    if (p > 0) out.push(ZEROS.subarray(0, p));
  }
  return out;
}

async function writeAll(fh: FileHandle, buffers: Uint8Array[]): Promise<void> {
  let rest = buffers;
  let position = 0;
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest, position);
    position += bytesWritten;
    let skip = bytesWritten;
    // A short write (huge or many buffers) continues from where it stopped.
    while (rest.length > 0 && skip >= (rest[0] as Uint8Array).byteLength) {
      skip -= (rest[0] as Uint8Array).byteLength;
      rest = rest.slice(1);
    }
    if (skip > 0) rest = [(rest[0] as Uint8Array).subarray(skip), ...rest.slice(1)];
    if (bytesWritten === 0 && rest.length > 0) throw new Error('write made no progress');
  }
}

/** Parses a spill file's bytes; undefined when they are not a complete spill file. */
function parseSpill(bytes: Uint8Array): Encoded | undefined {
  if (bytes.byteLength < PREFIX_BYTES) return undefined;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC || dv.getUint32(4, true) !== FORMAT_VERSION) return undefined;
  const headerBytes = dv.getUint32(8, true);
  const nFrames = dv.getUint32(12, true);
  const headerAt = PREFIX_BYTES + 8 * nFrames;
  if (headerAt + headerBytes > bytes.byteLength) return undefined;
  let header: string;
  try {
    header = utf8.decode(bytes.subarray(headerAt, headerAt + headerBytes));
  } catch {
    return undefined;
  }
  const frames: Uint8Array[] = [];
  let at = headerAt + headerBytes + pad8(headerAt + headerBytes);
  for (let i = 0; i < nFrames; i++) {
    const n = dv.getFloat64(PREFIX_BYTES + 8 * i, true);
    if (!Number.isSafeInteger(n) || n < 0 || at + n > bytes.byteLength) return undefined;
    frames.push(bytes.subarray(at, at + n));
    at += n + pad8(n);
  }
  return at === bytes.byteLength ? { header, frames } : undefined;
}

async function readWhole(file: string): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    // A fresh ArrayBuffer (not Buffer's pool) so frame offsets keep their 8-byte alignment.
    const bytes = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(bytes, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    return at === size ? bytes : bytes.subarray(0, at);
  } finally {
    await fh.close();
  }
}

const isNotFound = (err: unknown): boolean => (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** Start of a spill directory's name: the host is in it, so a sweep on a shared spill root removes only its own host's. */
function spillPrefix(): string {
  return `dislib-spill-${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}-`;
}

/** A spill directory of this host; group 1 is the pid of the worker that made it. */
function staleSpillName(): RegExp {
  return new RegExp(`^${spillPrefix().replace(/[.-]/g, '\\$&')}(\\d+)-[0-9a-f]{12}$`);
}

/**
 * Holds encoded objects by key under a memory limit, spilling least-recently-used ones to disk.
 *
 * Objects are kept in memory up to `memoryLimit × target` bytes. An object bigger than that still works: the most recently used object is never evicted, so it
 * stays in memory alone while everything else goes to disk. Pinned objects (inputs of a running task)
 * are never evicted.
 *
 * @example
 * ```ts
 * const store = new ObjectStore({ memoryLimit: 128 << 20, spillDir: os.tmpdir() }); // objects: 64 MB in memory
 * await store.put('a', encode(block), { recomputeOnly: false });
 * const e = await store.get('a'); // from memory, or read back from its spill file
 * await store.close();            // removes the spill directory
 * ```
 */
export class ObjectStore {
  /** Running totals (bytes spilled and read back, objects dropped). */
  readonly counters: StoreCounters = { bytesSpilled: 0, bytesUnspilled: 0, dropped: 0 };
  /** Bytes the store's objects may occupy in memory (`memoryLimit × target`). */
  readonly #limit: number;
  readonly #spillRoot: string;
  readonly #onBackgroundError: (err: StoreError) => void;
  readonly #entries = new Map<string, Entry>();
  /** Entries whose value is in memory, least recently used first. */
  readonly #lru = new Map<string, Entry>();
  readonly #inflight = new Set<Promise<unknown>>();
  #bytesInMemory = 0;
  #bytesOnDisk = 0;
  /** Bytes evicted from memory since the last forced garbage collection. */
  #releasedSinceGc = 0;
  /** Bytes of in-memory entries whose spill is under way (already counted as leaving memory). */
  #releasing = 0;
  #dir: string | undefined;
  #dirReady: Promise<string> | undefined;
  #fileSeq = 0;
  #closed = false;
  readonly #removeOnExit = (): void => {
    if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
  };

  /** @throws {@link ParameterError} for a non-positive memory limit, a target outside (0, 1] or an empty spill directory. */
  constructor(options: ObjectStoreOptions) {
    const target = options.target ?? 0.5;
    if (!(options.memoryLimit > 0)) throw new ParameterError('memoryLimit', `expected a positive number of bytes, found ${String(options.memoryLimit)}`);
    if (!(target > 0 && target <= 1)) throw new ParameterError('target', `expected a fraction in (0, 1], found ${String(target)}`);
    if (typeof options.spillDir !== 'string' || options.spillDir.length === 0) throw new ParameterError('spillDir', 'expected a directory path');
    this.#limit = options.memoryLimit * target;
    this.#spillRoot = options.spillDir;
    this.#onBackgroundError =
      options.onBackgroundError ?? ((err) => process.stderr.write(`[dislib store ${process.pid}] ${err.message}\n`));
  }

  /** Bytes of objects held in memory. */
  get bytesInMemory(): number {
    return this.#bytesInMemory;
  }

  /** Bytes of objects held in spill files. */
  get bytesOnDisk(): number {
    return this.#bytesOnDisk;
  }

  /** The per-store spill directory, once the first spill created it. */
  get spillDirectory(): string | undefined {
    return this.#dir;
  }

  /**
   * Stores `value` under `key` (replacing any previous object), then spills or drops LRU objects until
   * memory is back under `memoryLimit × target`. The value's frames are kept as they are (not copied).
   *
   * @throws {@link StoreError} when a spill file cannot be written; the object is stored anyway (it stays
   *   in memory), only memory could not be freed.
   */
  async put(key: string, value: Encoded, options: PutOptions): Promise<void> {
    this.#assertOpen();
    this.delete(key);
    const entry: Entry = {
      bytes: encodedBytes(value),
      recomputeOnly: options.recomputeOnly,
      value,
      file: undefined,
      pins: 0,
      releasing: false,
      loading: undefined,
    };
    this.#entries.set(key, entry);
    this.#lru.set(key, entry);
    this.#bytesInMemory += entry.bytes;
    await this.#evict();
  }

  /**
   * The object stored under `key`: from memory, or read back from its spill file (which makes it the
   * most recently used). Undefined when the key is unknown or the object was dropped (recompute-only,
   * or its spill file vanished): the caller recomputes it from lineage.
   *
   * @throws {@link StoreError} when a spill file exists but cannot be read (I/O error)
   */
  async get(key: string): Promise<Encoded | undefined> {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.value !== undefined) {
      this.#touch(key, entry);
      return entry.value;
    }
    if (entry.file === undefined) return undefined;
    entry.loading ??= this.#track(this.#load(key, entry)).finally(() => {
      entry.loading = undefined;
    });
    const value = await entry.loading;
    // Making room is someone else's failure to report: this read succeeded.
    if (value !== undefined) await this.#evict().catch((err: unknown) => this.#onBackgroundError(err as StoreError));
    return value;
  }

  /** Whether `key` is held in memory or on disk (not dropped). */
  has(key: string): boolean {
    const e = this.#entries.get(key);
    return e !== undefined && (e.value !== undefined || e.file !== undefined);
  }

  /** Where `key` is; undefined for an unknown key. */
  where(key: string): Location | undefined {
    const e = this.#entries.get(key);
    if (e === undefined) return undefined;
    if (e.value !== undefined) return 'memory';
    return e.file !== undefined ? 'disk' : 'dropped';
  }

  /** Forgets `key` and removes its spill file. */
  delete(key: string): void {
    const e = this.#entries.get(key);
    if (e === undefined) return;
    this.#entries.delete(key);
    if (e.value !== undefined) this.#dropValue(key, e);
    if (e.file !== undefined) this.#removeFile(e);
  }

  /** Keeps `key` in memory (reference-counted) while a running task uses it. No effect on an unknown key. */
  pin(key: string): void {
    const e = this.#entries.get(key);
    if (e !== undefined) e.pins++;
  }

  /** Releases one {@link pin}; memory over the limit is then freed in the background. */
  unpin(key: string): void {
    const e = this.#entries.get(key);
    if (e === undefined || e.pins === 0) return;
    e.pins--;
    if (e.pins === 0 && !this.#closed && this.#bytesInMemory - this.#releasing > this.#limit) {
      this.#evict().catch((err: unknown) => this.#onBackgroundError(err as StoreError));
    }
  }

  /** Forgets every object and removes the spill directory. The store cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inflight]);
    if (this.#dirReady !== undefined) await this.#dirReady.catch(() => undefined);
    this.#entries.clear();
    this.#lru.clear();
    this.#bytesInMemory = 0;
    this.#bytesOnDisk = 0;
    if (this.#dir !== undefined) {
      await rm(this.#dir, { recursive: true, force: true });
      process.removeListener('exit', this.#removeOnExit);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('object store is closed');
  }

  #touch(key: string, e: Entry): void {
    this.#lru.delete(key);
    this.#lru.set(key, e);
  }

  #dropValue(key: string, e: Entry): void {
    e.value = undefined;
    this.#lru.delete(key);
    this.#bytesInMemory -= e.bytes;
    this.#releasedSinceGc += e.bytes;
  }

  #removeFile(e: Entry): void {
    const file = e.file as string;
    e.file = undefined;
    this.#bytesOnDisk -= e.bytes;
    this.#track(unlink(file)).catch(() => undefined);
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#inflight.add(p);
    const done = (): void => {
      this.#inflight.delete(p);
    };
    p.then(done, done);
    return p;
  }

  /** Spills or drops LRU entries (never the most recent one, nor pinned ones) until under `memoryLimit × target`. */
  async #evict(): Promise<void> {
    let excess = this.#bytesInMemory - this.#releasing - this.#limit;
    if (excess <= 0) return;
    const jobs: Promise<void>[] = [];
    let left = this.#lru.size;
    for (const [key, e] of this.#lru) {
      if (excess <= 0 || --left === 0) break; // the last one is the most recently used
      if (e.pins > 0 || e.releasing) continue;
      excess -= e.bytes;
      if (e.recomputeOnly) {
        this.#dropValue(key, e);
        this.counters.dropped++;
      } else if (e.file !== undefined) {
        this.#dropValue(key, e); // already on disk from an earlier spill
      } else {
        jobs.push(this.#spill(key, e));
      }
    }
    const results = await Promise.allSettled(jobs);
    this.#collectGarbage();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /**
   * Evicted buffers are only returned to the OS when V8 collects them, and V8 lets up to 64 MB of
   * unreferenced ArrayBuffers pile up before it does: with small limits that doubles a worker's memory.
   * So once a quarter of the store's share was evicted, collect now if the process exposes `gc` (workers run
   * with `--expose-gc`).
   */
  #collectGarbage(): void {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc === undefined || this.#releasedSinceGc < this.#limit / 4) return;
    this.#releasedSinceGc = 0;
    gc();
  }

  async #spill(key: string, e: Entry): Promise<void> {
    e.releasing = true;
    this.#releasing += e.bytes;
    const value = e.value as Encoded;
    let file: string | undefined;
    try {
      const dir = await this.#spillDirectory();
      file = join(dir, `${++this.#fileSeq}.spill`);
      await this.#track(this.#write(file, value));
    } catch (err) {
      if (file !== undefined) await unlink(file).catch(() => undefined);
      throw new StoreError(`cannot spill ${key} (${e.bytes} bytes) to ${file ?? this.#spillRoot}: ${(err as Error).message}`, {
        key,
        file: file ?? this.#spillRoot,
        bytes: e.bytes,
        code: (err as NodeJS.ErrnoException).code,
      });
    } finally {
      e.releasing = false;
      this.#releasing -= e.bytes;
    }
    this.counters.bytesSpilled += e.bytes;
    if (this.#entries.get(key) !== e || this.#closed) {
      // Deleted or replaced while the file was being written.
      await unlink(file).catch(() => undefined);
      return;
    }
    e.file = file;
    this.#bytesOnDisk += e.bytes;
    // Pinned (or made most recent) meanwhile: keep the memory copy; the file makes a later eviction free.
    if (e.pins === 0 && e.value !== undefined && this.#lastKey() !== key) this.#dropValue(key, e);
  }

  async #write(file: string, value: Encoded): Promise<void> {
    const fh = await open(file, 'wx', 0o600);
    try {
      await writeAll(fh, spillBuffers(value));
    } finally {
      await fh.close();
    }
  }

  async #load(key: string, e: Entry): Promise<Encoded | undefined> {
    const file = e.file as string;
    let value: Encoded | undefined;
    try {
      value = parseSpill(await readWhole(file));
    } catch (err) {
      if (!isNotFound(err)) {
        throw new StoreError(`cannot read spill file ${file} of ${key}: ${(err as Error).message}`, { key, file, code: (err as NodeJS.ErrnoException).code });
      }
    }
    if (this.#entries.get(key) !== e) return value; // deleted meanwhile: still answer this read
    if (value === undefined || encodedBytes(value) !== e.bytes) {
      // The file vanished or is corrupt: the object is lost and must be recomputed from lineage.
      this.#removeFile(e);
      this.counters.dropped++;
      return undefined;
    }
    this.counters.bytesUnspilled += e.bytes;
    if (e.value === undefined) {
      e.value = value;
      this.#lru.set(key, e);
      this.#bytesInMemory += e.bytes;
    }
    return e.value;
  }

  #lastKey(): string | undefined {
    let last: string | undefined;
    for (const k of this.#lru.keys()) last = k;
    return last;
  }

  #spillDirectory(): Promise<string> {
    this.#dirReady ??= (async () => {
      const dir = join(this.#spillRoot, `${spillPrefix()}${process.pid}-${randomBytes(6).toString('hex')}`);
      // Not recursive: a spill root that does not exist is the user's mistake, not something to create.
      await mkdir(dir, { mode: 0o700 });
      // Spill directories of this host's killed workers (no exit hook ran) go with the first spill after them.
      removeStaleDirs(this.#spillRoot, staleSpillName());
      this.#dir = dir;
      process.on('exit', this.#removeOnExit);
      return dir;
    })();
    this.#dirReady.catch(() => {
      this.#dirReady = undefined; // let a later spill try again
    });
    return this.#dirReady;
  }
}
