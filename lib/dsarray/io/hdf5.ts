/**
 * `loadHdf5`: a 2-D dataset of an HDF5 file as a dense ds-array, each block read by a worker as a
 * hyperslab (the H5Spark idea: the driver reads only metadata).
 */
import { ParameterError } from '../../errors.js';
import { submit } from '../../runtime/index.js';
import { DsArray } from '../dsarray.js';
import { blockOffsets, normalizeBlockSize } from '../grid.js';
import { describeHdf5 } from './hdf5-file.js';
import { statDataFile } from './options.js';
import { readHdf5BlockTask } from './tasks.js';

/**
 * Loads the 2-D numeric dataset `dataset` (e.g. `'/group/x'`) of an HDF5 file as a dense ds-array;
 * every block is a hyperslab read by a worker (a shared file system in a multi-host cluster).
 * 4-byte float datasets give `float32` arrays, other float and integer datasets `float64`.
 *
 * @param blockSize - `[rows, cols]` of a block (clipped to the array)
 * @throws {@link DataFormatError} on a missing or non-HDF5 file, a missing dataset, or one that is
 *   not 2-D numeric
 * @example
 * ```ts
 * const x = await loadHdf5('data.h5', '/train/x', [10000, 64]);
 * ```
 */
export async function loadHdf5(path: string, dataset: string, blockSize: readonly [number, number]): Promise<DsArray> {
  normalizeBlockSize(blockSize, [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]);
  if (typeof dataset !== 'string' || dataset.length === 0) throw new ParameterError('dataset', `expected a dataset path, found ${JSON.stringify(dataset)}`);
  await statDataFile(path);
  const { shape, dtype } = await describeHdf5(path, dataset);
  const bs = normalizeBlockSize(blockSize, shape);
  const rowEdges = blockOffsets(shape[0], bs[0]);
  const colEdges = blockOffsets(shape[1], bs[1]);
  const blocks = rowEdges.slice(1).map((r1, i) =>
    colEdges.slice(1).map((c1, j) => submit(readHdf5BlockTask, [path, dataset, rowEdges[i] as number, r1, colEdges[j] as number, c1, dtype])),
  );
  return DsArray.fromBlocks(blocks, shape, bs, { dtype, sparse: false });
}
