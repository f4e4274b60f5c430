/**
 * HDF5 access through h5wasm (the HDF5 C library compiled to WebAssembly, reading host files
 * directly): dataset description for the driver and hyperslab reads for the workers.
 */
import { open } from 'node:fs/promises';
import type { Dataset } from 'h5wasm/node';
import { DataFormatError } from '../../errors.js';
import type { DenseBlock, DType } from '../block.js';

/** What the driver needs to plan the blocks of a 2-D numeric dataset. */
export interface Hdf5Info {
  shape: [number, number];
  dtype: DType;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89HDF\r\n\x1a\n

/** True when the HDF5 signature is at offset 0, 512, 1024, 2048, ... (after a user block), as the spec allows. */
async function hasSignature(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buf = new Uint8Array(SIGNATURE.length);
    for (let at = 0; at + buf.length <= size; at = at === 0 ? 512 : at * 2) {
      await fh.read(buf, 0, buf.length, at);
      if (SIGNATURE.every((b, i) => buf[i] === b)) return true;
    }
    return false;
  } finally {
    await fh.close();
  }
}

async function withDataset<T>(path: string, dataset: string, fn: (d: Dataset) => T): Promise<T> {
  // h5wasm does not throw on a non-HDF5 file (it prints HDF5 diagnostics and fails later): check first.
  if (!(await hasSignature(path))) throw new DataFormatError(path, 'not a readable HDF5 file', { expected: 'the HDF5 signature', found: 'other bytes' });
  // Imported on first use: compiling the WebAssembly costs every worker that never reads HDF5.
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const file = new h5wasm.File(path, 'r');
  try {
    const d = file.get(dataset);
    if (!(d instanceof h5wasm.Dataset)) {
      throw new DataFormatError(path, `no dataset ${JSON.stringify(dataset)}`, { expected: 'a dataset', found: d === null ? 'nothing' : d.constructor.name });
    }
    return fn(d);
  } finally {
    file.close();
  }
}

/**
 * Shape and dtype of a 2-D numeric dataset: 4-byte floats give float32, other floats and integers
 * float64.
 *
 * @throws {@link DataFormatError} on a non-HDF5 file, a missing dataset, or one that is not 2-D numeric
 */
export function describeHdf5(path: string, dataset: string): Promise<Hdf5Info> {
  return withDataset(path, dataset, (d) => {
    const m = d.metadata;
    if (m.type !== 0 && m.type !== 1) {
      throw new DataFormatError(path, `dataset ${JSON.stringify(dataset)} has an unsupported dtype`, { expected: 'integers or floats', found: d.dtype.toString() });
    }
    if (m.shape === null || m.shape.length !== 2) {
      throw new DataFormatError(path, `dataset ${JSON.stringify(dataset)} is not 2-D`, { expected: '2 dimensions', found: JSON.stringify(m.shape) });
    }
    return { shape: [m.shape[0] as number, m.shape[1] as number], dtype: m.type === 1 && m.size === 4 ? 'float32' : 'float64' };
  });
}

/** Reads the hyperslab rows `[r0, r1)` x columns `[c0, c1)` of a 2-D dataset as a dense block of `dtype`. */
export function readHdf5Block(path: string, dataset: string, r0: number, r1: number, c0: number, c1: number, dtype: DType): Promise<DenseBlock> {
  return withDataset(path, dataset, (d) => {
    const raw = d.slice([[r0, r1], [c0, c1]]);
    if (raw === null || typeof raw !== 'object' || !('length' in raw)) {
      throw new DataFormatError(path, `cannot read rows ${r0}-${r1}, columns ${c0}-${c1} of ${JSON.stringify(dataset)}`);
    }
    const src = raw as ArrayLike<number | bigint>;
    const n = (r1 - r0) * (c1 - c0);
    const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = Number(src[i]);
    return { kind: 'dense', rows: r1 - r0, cols: c1 - c0, data };
  });
}
