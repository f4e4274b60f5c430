/**
 * Byte ranges of a line-oriented text file: the driver cuts the file into ranges by size only, and each
 * worker aligns its range to whole lines by itself, so the file never passes through the driver.
 *
 * Alignment rule (every line belongs to exactly one range): a range other than the first starts after
 * the first newline at or after its start; every range ends with the first newline at or after its end
 * (or at the end of the file).
 */
import { open, type FileHandle } from 'node:fs/promises';

const NL = 0x0a;
const CR = 0x0d;

/** Range sizes the planner picks between: big enough to amortise a task, small enough to balance. */
export const MIN_RANGE_BYTES = 4 << 20;
/** Upper bound of a planned range (a range's parsed doubles are held in memory until assembled). */
export const MAX_RANGE_BYTES = 32 << 20;

/**
 * Cuts `[0, size)` into byte ranges of about `rangeBytes` each; without `rangeBytes`, about four ranges
 * per worker, each within [{@link MIN_RANGE_BYTES}, {@link MAX_RANGE_BYTES}].
 */
export function planByteRanges(size: number, workers: number, rangeBytes?: number): [number, number][] {
  const target = rangeBytes ?? Math.min(MAX_RANGE_BYTES, Math.max(MIN_RANGE_BYTES, Math.ceil(size / (4 * Math.max(1, workers)))));
  const n = Math.max(1, Math.ceil(size / target));
  const step = Math.ceil(size / n);
  const out: [number, number][] = [];
  for (let s = 0; s < size; s += step) out.push([s, Math.min(size, s + step)]);
  if (out.length === 0) out.push([0, 0]);
  return out;
}

/** Groups of consecutive ranges each worker gets, in turn (see {@link rangePlacement}). */
export const RANGE_ROUNDS = 4;

/**
 * Placement of range `i` of `n`: the ranges are cut into W x RANGE_ROUNDS groups of consecutive ranges
 * (fewer when there are fewer ranges), dealt to `workerIds` in turn. Consecutive ranges on one worker
 * keep most blocks' rows on one worker (assembling a block moves little), and the turns make the workers
 * progress through the file together: a block is cut once the row counts of all ranges before it are
 * known, so with one group per worker the second half of the file would wait for the first to be parsed.
 * No hint when no worker is known yet.
 */
export function rangePlacement(i: number, n: number, workerIds: readonly string[]): { worker?: string } {
  const groups = Math.min(n, workerIds.length * RANGE_ROUNDS);
  const id = workerIds[Math.floor((i * groups) / n) % Math.max(1, workerIds.length)];
  return id === undefined ? {} : { worker: id };
}

/** A Buffer view of `bytes` (no copy): its indexOf is memchr, several times faster than a typed array's. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The bytes of a range aligned to whole lines: `bytes[from, to)` holds its lines (`bytes` may hold more). */
export interface AlignedRange {
  bytes: Uint8Array;
  from: number;
  to: number;
}

/** Bytes per read call: large single reads are slower than a loop of moderate ones. */
const READ_CHUNK = 4 << 20;
/** Room left after a range for the end of its last line, so that it rarely needs a second buffer. */
const SLACK = 64 << 10;

/** Reads `[position, position + length)` into `buf` at `offset`; returns the bytes read (less at EOF). */
async function readInto(fh: FileHandle, buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, offset + got, Math.min(READ_CHUNK, length - got), position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/** Largest buffer {@link withScratch} keeps between calls: one planned range. */
const MAX_SPARE = MAX_RANGE_BYTES + SLACK;
let spare: Buffer | undefined;

/**
 * Runs `fn` with a buffer of at least `bytes` bytes that is reused from call to call (a fresh buffer
 * costs a page fault per 4 KiB, a large part of reading a range). `fn` must not keep the buffer; a
 * call made while another holds it gets a fresh one.
 */
export async function withScratch<T>(bytes: number, fn: (buf: Buffer) => Promise<T>): Promise<T> {
  const buf = spare !== undefined && spare.length >= bytes ? spare : Buffer.allocUnsafeSlow(bytes);
  if (buf === spare) spare = undefined;
  try {
    return await fn(buf);
  } finally {
    if (buf.length <= MAX_SPARE && (spare === undefined || spare.length < buf.length)) spare = buf;
  }
}

/** Buffer size {@link readAlignedRange} wants for byte range `[start, end)` of a file of `size` bytes. */
export function rangeBufferBytes(start: number, end: number, size: number): number {
  return end - start + (end < size ? SLACK : 0);
}

/**
 * Reads the lines of byte range `[start, end)` of the open file of `size` bytes (see the alignment rule
 * above). Reads past `end` only as far as the newline that ends the range's last line.
 *
 * @param buffer - where to read (a new buffer when missing or too small, or when a line is longer than its slack)
 */
export async function readAlignedRange(fh: FileHandle, start: number, end: number, size: number, buffer?: Buffer): Promise<AlignedRange> {
  const want = rangeBufferBytes(start, end, size);
  let bytes: Uint8Array = buffer !== undefined && buffer.length >= want ? buffer : Buffer.allocUnsafe(want);
  let len = await readInto(fh, bytes, 0, end - start, start);
  let from = 0;
  if (start > 0) {
    const nl = asBuffer(bytes).indexOf(NL);
    // No newline in [start, end): the line crossing `start` also crosses `end`, so the range is empty.
    if (nl < 0 || nl >= len) return { bytes: new Uint8Array(0), from: 0, to: 0 };
    from = nl + 1;
  }
  // Extend to the first newline at or after `end` (at most to the end of the file), growing the buffer.
  let scanned = len;
  while (start + len < size) {
    if (len === bytes.length) {
      const grown = Buffer.allocUnsafe(bytes.length * 2);
      grown.set(bytes.subarray(0, len));
      bytes = grown;
    }
    len += await readInto(fh, bytes, len, Math.min(bytes.length - len, size - start - len), start + len);
    const nl = asBuffer(bytes).indexOf(NL, scanned);
    if (nl >= 0 && nl < len) return { bytes, from, to: nl + 1 };
    scanned = len;
  }
  return { bytes, from, to: len };
}

/** Opens `path` read-only, runs `fn`, and closes it whatever happens. */
export async function withFile<T>(path: string, fn: (fh: FileHandle) => Promise<T>): Promise<T> {
  const fh = await open(path, 'r');
  try {
    return await fn(fh);
  } finally {
    await fh.close();
  }
}

/**
 * Byte offset where line `lines + 1` of the file at `path` (`size` bytes) starts: just after its
 * `lines`-th newline, or `size` when it has no more lines. Reads only that far.
 */
export async function lineStart(path: string, size: number, lines: number): Promise<number> {
  if (lines === 0) return 0;
  return withFile(path, async (fh) => {
    const buf = Buffer.allocUnsafe(1 << 16);
    let left = lines;
    for (let pos = 0; pos < size; ) {
      const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
      if (bytesRead === 0) break;
      for (let i = buf.indexOf(NL); i >= 0 && i < bytesRead; i = buf.indexOf(NL, i + 1)) {
        if (--left === 0) return pos + i + 1;
      }
      pos += bytesRead;
    }
    return size;
  });
}

/** Number of lines in `bytes[from, to)`: newlines, plus one for a last line without a newline. */
export function countLines(bytes: Uint8Array, from: number, to: number): number {
  const buf = asBuffer(bytes);
  let n = 0;
  for (let i = buf.indexOf(NL, from); i >= 0 && i < to; i = buf.indexOf(NL, i + 1)) n++;
  if (to > from && bytes[to - 1] !== NL) n++;
  return n;
}

/** Offset just after the newline that ends the line starting at `from` (or `to` when it is the last). */
export function nextLine(bytes: Uint8Array, from: number, to: number): number {
  const i = asBuffer(bytes).indexOf(NL, from);
  return i < 0 || i >= to ? to : i + 1;
}

/** True when the line starting at `from` is empty (or only a CR): numpy skips such lines, not whitespace-only ones. */
export function isBlankLine(bytes: Uint8Array, from: number, to: number): boolean {
  const b = from < to ? bytes[from] : NL;
  return b === NL || (b === CR && (from + 1 >= to || bytes[from + 1] === NL));
}

/** Absolute number (from 1) of the first line of each range, from the line count of every range. */
export function firstLines(ranges: readonly { lines: number }[]): number[] {
  let line = 1;
  return ranges.map((r) => {
    const first = line;
    line += r.lines;
    return first;
  });
}
