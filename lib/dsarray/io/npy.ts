/**
 * `loadNpyFile` and `saveNpy`: numpy `.npy` files. The driver reads or writes only the header; workers
 * read each block, or write each row block, at its computed offset.
 */
import { open, truncate, writeFile } from 'node:fs/promises';
import { DataFormatError, ParameterError } from '../../errors.js';
import { getAll, submit } from '../../runtime/index.js';
import { DsArray } from '../dsarray.js';
import { blockOffsets, normalizeBlockSize } from '../grid.js';
import { NPY_PREFIX_BYTES, npyDType, npyHeaderBytes, npyHeaderLength, parseNpyHeader, type NpyHeader } from './npy-format.js';
import { statDataFile } from './options.js';
import { readNpyBlockTask, writeNpyRowsTask } from './tasks.js';

async function readHeader(path: string, size: number): Promise<NpyHeader> {
  const fh = await open(path, 'r');
  try {
    const prefix = new Uint8Array(Math.min(size, NPY_PREFIX_BYTES));
    await fh.read(prefix, 0, prefix.length, 0);
    const length = npyHeaderLength(path, prefix);
    if (length > size) throw new DataFormatError(path, 'truncated .npy header', { expected: `${length} header bytes`, found: `${size} bytes` });
    const bytes = new Uint8Array(length);
    await fh.read(bytes, 0, length, 0);
    return parseNpyHeader(path, bytes);
  } finally {
    await fh.close();
  }
}

/**
 * Loads a 2-D numpy `.npy` file (format version 1, 2 or 3; little-endian `float64`, `float32`, `int32`
 * or `int64`, C order) as a dense ds-array. `float32` data gives a `float32` array, the others
 * `float64`. Each block is read by a worker at its offset in the file (a shared file system in a
 * multi-host cluster).
 *
 * @param blockSize - `[rows, cols]` of a block (clipped to the array)
 * @throws {@link DataFormatError} on a missing, truncated or non-`.npy` file, an unsupported dtype
 *   (`descr`), Fortran order (`fortran_order`) or a shape that is not 2-D (`shape`)
 * @example
 * ```ts
 * const x = await loadNpyFile('features.npy', [10000, 100]);
 * ```
 */
export async function loadNpyFile(path: string, blockSize: readonly [number, number]): Promise<DsArray> {
  normalizeBlockSize(blockSize, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);
  const size = await statDataFile(path);
  if (size === 0) throw new DataFormatError(path, 'empty file', { expected: 'a .npy header', found: 'no data' });
  const header = await readHeader(path, size);
  const { shape, itemSize, descr, dataOffset } = header;
  const need = dataOffset + shape[0] * shape[1] * itemSize;
  if (size < need) {
    throw new DataFormatError(path, `truncated .npy data for shape (${shape[0]}, ${shape[1]})`, { expected: `${need} bytes`, found: `${size} bytes` });
  }
  if (shape[0] === 0 || shape[1] === 0) throw new DataFormatError(path, "empty array in .npy header field 'shape'", { expected: 'at least one element', found: `(${shape[0]}, ${shape[1]})` });
  const dtype = npyDType(descr);
  const bs = normalizeBlockSize(blockSize, shape);
  const rowEdges = blockOffsets(shape[0], bs[0]);
  const colEdges = blockOffsets(shape[1], bs[1]);
  const blocks = rowEdges.slice(1).map((r1, i) =>
    colEdges.slice(1).map((c1, j) =>
      submit(readNpyBlockTask, [path, dataOffset, descr, itemSize, shape[1], rowEdges[i] as number, r1, colEdges[j] as number, c1, dtype]),
    ),
  );
  return DsArray.fromBlocks(blocks, shape, bs, { dtype, sparse: false });
}

/**
 * Saves a ds-array as a numpy `.npy` file (`<f8` or `<f4` after its dtype, C order; sparse arrays are
 * written dense). The driver writes the header; each worker writes its row block at its offset, so
 * the array is never gathered in one place. Overwrites `path`.
 *
 * @throws {@link ParameterError} when `x` is not a ds-array
 * @throws {@link TaskFailedError} when a block's task or a write failed
 * @example
 * ```ts
 * await saveNpy(x, 'x.npy'); // numpy.load('x.npy') gives the same matrix
 * ```
 */
export async function saveNpy(x: DsArray, path: string): Promise<void> {
  if (!(x instanceof DsArray)) throw new ParameterError('x', 'expected a DsArray');
  const header = npyHeaderBytes(x.dtype, x.shape);
  const itemSize = x.dtype === 'float32' ? 4 : 8;
  await writeFile(path, header);
  await truncate(path, header.length + x.shape[0] * x.shape[1] * itemSize);
  const rowBytes = x.shape[1] * itemSize;
  await getAll(
    x.blocks.map((row, i) => submit(writeNpyRowsTask, [path, header.length + i * x.blockSize[0] * rowBytes, [...row], x.dtype])),
  );
}
