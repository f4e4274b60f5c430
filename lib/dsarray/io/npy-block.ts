/**
 * Worker side of `loadNpyFile` and `saveNpy`: read one block, or write one row block, at offsets
 * computed from the header, with positioned reads and writes on the shared file.
 */
import { open } from 'node:fs/promises';
import type { Block, DenseBlock, DType } from '../block.js';
import { alloc, toDense } from '../blockops.js';
import type { NpyDescr } from './npy-format.js';
import { withFile } from './ranges.js';

function elements(descr: NpyDescr, bytes: Uint8Array): ArrayLike<number> {
  // `bytes` is a fresh buffer at offset 0, so every view is aligned.
  const { buffer, byteLength } = bytes;
  switch (descr) {
    case '<f8':
      return new Float64Array(buffer, 0, byteLength / 8);
    case '<f4':
      return new Float32Array(buffer, 0, byteLength / 4);
    case '<i4':
      return new Int32Array(buffer, 0, byteLength / 4);
    case '<i8': {
      const big = new BigInt64Array(buffer, 0, byteLength / 8);
      return Float64Array.from(big, (v) => Number(v));
    }
  }
}

/**
 * Reads block rows `[r0, r1)` x columns `[c0, c1)` of a C-order array of `cols` columns whose data
 * starts at `dataOffset`: one read of the span from the block's first to its last element.
 */
export async function readNpyBlock(
  path: string,
  dataOffset: number,
  descr: NpyDescr,
  itemSize: number,
  cols: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
  dtype: DType,
): Promise<DenseBlock> {
  const first = r0 * cols + c0;
  const count = (r1 - 1) * cols + c1 - first;
  const bytes = new Uint8Array(count * itemSize);
  await withFile(path, async (fh) => {
    let got = 0;
    while (got < bytes.length) {
      const { bytesRead } = await fh.read(bytes, got, bytes.length - got, dataOffset + first * itemSize + got);
      if (bytesRead === 0) throw new RangeError(`${path}: file ended at byte ${dataOffset + first * itemSize + got}`);
      got += bytesRead;
    }
  });
  const src = elements(descr, bytes);
  const [rows, width] = [r1 - r0, c1 - c0];
  const data = alloc(dtype, rows * width);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) data[r * width + c] = src[r * cols + c] as number;
  }
  return { kind: 'dense', rows, cols: width, data };
}

/**
 * Writes one row block (its blocks left to right) of a `dtype` array into the `.npy` file at `path`,
 * starting at byte `offset`: the rows are contiguous in C order, so it is one positioned write.
 *
 * @returns the number of bytes written
 */
export async function writeNpyRows(path: string, offset: number, blocks: readonly Block[], dtype: DType): Promise<number> {
  const dense = blocks.map(toDense);
  const rows = dense[0]?.rows ?? 0;
  const cols = dense.reduce((s, b) => s + b.cols, 0);
  const out = alloc(dtype, rows * cols);
  let c0 = 0;
  for (const b of dense) {
    for (let r = 0; r < rows; r++) out.set(b.data.subarray(r * b.cols, (r + 1) * b.cols), r * cols + c0);
    c0 += b.cols;
  }
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  const fh = await open(path, 'r+');
  try {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await fh.write(bytes, done, bytes.length - done, offset + done);
      done += bytesWritten;
    }
  } finally {
    await fh.close();
  }
  return bytes.length;
}
