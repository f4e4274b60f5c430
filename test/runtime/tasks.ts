/**
 * Tasks used by the runtime tests; workers import this module through `init({ taskModules })`.
 */
import { taskModule } from '../../lib/runtime/index.js';

const defineTask = taskModule(import.meta.url);

/** URL of this module, for `init({ taskModules: [taskModuleUrl] })`. */
export const taskModuleUrl = import.meta.url;

export const add = defineTask('rt.add', (a: number, b: number) => a + b);
export const inc = defineTask('rt.inc', (a: number) => a + 1);
export const noop = defineTask('rt.noop', () => null);
export const sumList = defineTask('rt.sumList', (xs: number[]) => xs.reduce((s, x) => s + x, 0));
export const identity = defineTask('rt.identity', (x: unknown) => x);
export const split = defineTask('rt.split', (x: number) => [x, -x, x * 2] as [number, number, number], { nReturns: 3 });
export const fail = defineTask('rt.fail', (msg: string): number => {
  throw new RangeError(msg);
});
export const pid = defineTask('rt.pid', () => process.pid);
export const sleep = defineTask('rt.sleep', async (ms: number, v: number) => {
  await new Promise((r) => setTimeout(r, ms));
  return v;
});
/** Writes into its input; used to check that tasks never share memory. */
export const mutate = defineTask('rt.mutate', (a: Float64Array) => {
  a[0] = 99;
  return a;
});
/** Declared read-only yet writes into its input: shows that read-only tasks get the stored object itself. */
export const writeDespiteReadOnly = defineTask(
  'rt.writeDespiteReadOnly',
  (a: Float64Array) => {
    a[0] = -1;
    return 0;
  },
  { readOnly: true },
);
/** First element of a block, read-only. */
export const firstElement = defineTask('rt.firstElement', (a: Float64Array) => a[0] as number, { readOnly: true });
/** Kills its own worker with SIGKILL (a poison task). */
export const killSelf = defineTask('rt.killSelf', (): number => {
  process.kill(process.pid, 'SIGKILL');
  return 0;
});

/** Deterministic pseudo-random block of `n` float64 (xorshift32), scaled so sums are not exact. */
export function makeBlock(seed: number, n: number): Float64Array {
  const out = new Float64Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = s / 4294967296 - 0.3;
  }
  return out;
}

export const block = defineTask('rt.block', (seed: number, n: number) => makeBlock(seed, n));
/** Elementwise sum of blocks, combined left to right. */
export const addBlocks = defineTask('rt.addBlocks', (blocks: Float64Array[]) => {
  const first = blocks[0];
  if (first === undefined) throw new RangeError('no blocks');
  const out = Float64Array.from(first);
  for (let b = 1; b < blocks.length; b++) {
    const x = blocks[b] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (x[i] as number);
  }
  return out;
});
/** Sum of a block's entries (float order matters: left to right). */
export const blockSum = defineTask('rt.blockSum', (a: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
});

/** FNV-1a hash of the bytes of a typed array. */
export function checksumBytes(a: ArrayBufferView): number {
  const b = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ (b[i] as number), 0x01000193);
  return h >>> 0;
}
export const checksum = defineTask('rt.checksum', (a: Float64Array) => checksumBytes(a));
/** Floating-point pairwise combination where order matters. */
export const fadd = defineTask('rt.fadd', (a: number, b: number) => a + b);
/** A block made after `ms` of waiting (keeps workers busy long enough to be killed mid-run). */
export const slowBlock = defineTask('rt.slowBlock', async (seed: number, n: number, ms: number) => {
  await new Promise((r) => setTimeout(r, ms));
  return makeBlock(seed, n);
});
/** Elementwise a + b after `ms` of waiting: a tree-reduction node whose float result depends on the order. */
export const slowAdd = defineTask('rt.slowAdd', async (a: Float64Array, b: Float64Array, ms: number) => {
  await new Promise((r) => setTimeout(r, ms));
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) + (b[i] as number);
  return out;
});
/** Byte length of a typed array. */
export const byteLength = defineTask('rt.byteLength', (a: Float64Array) => a.byteLength);
/** A fast hash of a typed array's bytes (32-bit words, multiply-xor): for checking large blocks. */
export function checksumWords(a: ArrayBufferView): number {
  const w = new Uint32Array(a.buffer, a.byteOffset, a.byteLength >>> 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ (w[i] as number), 0x01000193) ^ (h >>> 15);
  return h >>> 0;
}
export const checksumFast = defineTask('rt.checksumFast', (a: Float64Array) => checksumWords(a));
/** Keeps its worker's thread busy for `ms` without yielding (a CPU-bound task). */
export const spin = defineTask('rt.spin', (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
  return ms;
});
/** Never returns: an endless CPU-bound loop (its worker's heartbeat thread still answers), limited to 1 s. */
export const spinForever = defineTask(
  'rt.spinForever',
  (): number => {
    for (;;);
  },
  { timeoutMs: 1000 },
);
/** Never settles: awaits a promise that never resolves (its worker stays responsive). */
export const never = defineTask('rt.never', () => new Promise<number>(() => undefined));
