/**
 * The numpy `.npy` format (versions 1, 2 and 3): reading and writing the header that precedes the raw
 * C-order data. See numpy's `numpy.lib.format` documentation.
 */
import { DataFormatError } from '../../errors.js';
import type { DType } from '../block.js';

/** Element types the loader reads: little-endian floats, and integers converted to float64. */
export type NpyDescr = '<f8' | '<f4' | '<i4' | '<i8';

const ITEM_SIZE: Record<NpyDescr, number> = { '<f8': 8, '<f4': 4, '<i4': 4, '<i8': 8 };

/** What a `.npy` header says about its 2-D array. */
export interface NpyHeader {
  descr: NpyDescr;
  itemSize: number;
  shape: [number, number];
  /** Byte offset of the first element. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Bytes to read from the start of a file to be sure to hold a version 1 header. */
export const NPY_PREFIX_BYTES = 12;

/** Length of the whole header (magic to the end of the dict) from the first 12 bytes, or throws. */
export function npyHeaderLength(file: string, prefix: Uint8Array): number {
  if (prefix.length < 10 || !MAGIC.every((b, i) => prefix[i] === b)) {
    throw new DataFormatError(file, 'not a .npy file', { expected: 'the magic string \\x93NUMPY', found: 'other bytes' });
  }
  const major = prefix[6] as number;
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  if (major === 1) return 10 + view.getUint16(8, true);
  if ((major === 2 || major === 3) && prefix.length >= 12) return 12 + view.getUint32(8, true);
  throw new DataFormatError(file, 'unsupported .npy version', { expected: '1, 2 or 3', found: String(major) });
}

function field(file: string, dict: string, name: string, pattern: string): string {
  const m = new RegExp(`['"]${name}['"]\\s*:\\s*(${pattern})`).exec(dict);
  if (m === null || m[1] === undefined) {
    throw new DataFormatError(file, `bad .npy header field '${name}'`, { expected: `a '${name}' entry`, found: dict.trim() });
  }
  return m[1];
}

/**
 * Parses the header (`bytes` holds at least {@link npyHeaderLength} bytes) of a 2-D C-order array.
 *
 * @throws {@link DataFormatError} naming the header field on an unsupported dtype, Fortran order or a
 *   shape that is not 2-D
 */
export function parseNpyHeader(file: string, bytes: Uint8Array): NpyHeader {
  const dataOffset = npyHeaderLength(file, bytes);
  const start = (bytes[6] as number) === 1 ? 10 : 12;
  const dict = new TextDecoder('utf-8').decode(bytes.subarray(start, dataOffset));
  const descr = field(file, dict, 'descr', `'[^']*'|"[^"]*"`).slice(1, -1);
  if (!(descr in ITEM_SIZE)) {
    throw new DataFormatError(file, "unsupported dtype in .npy header field 'descr'", {
      expected: "'<f8', '<f4', '<i4' or '<i8' (little-endian)",
      found: `'${descr}'`,
    });
  }
  const fortran = field(file, dict, 'fortran_order', 'True|False');
  if (fortran === 'True') {
    throw new DataFormatError(file, "Fortran-order array in .npy header field 'fortran_order' (save a C-order copy: np.ascontiguousarray)", {
      expected: 'False',
      found: 'True',
    });
  }
  const shapeText = field(file, dict, 'shape', '\\([^)]*\\)');
  const dims = shapeText.slice(1, -1).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (dims.length !== 2 || !dims.every((d) => /^\d+$/.test(d))) {
    throw new DataFormatError(file, "not a 2-D array in .npy header field 'shape'", { expected: '(rows, cols)', found: shapeText });
  }
  const d = descr as NpyDescr;
  return { descr: d, itemSize: ITEM_SIZE[d], shape: [Number(dims[0]), Number(dims[1])], dataOffset };
}

/** The dtype a loaded `.npy` gets: float32 for `<f4`, float64 otherwise. */
export function npyDType(descr: NpyDescr): DType {
  return descr === '<f4' ? 'float32' : 'float64';
}

/** A version 1 header (version 2 when the dict does not fit) for a C-order 2-D array, padded to 64 bytes. */
export function npyHeaderBytes(dtype: DType, shape: readonly [number, number]): Uint8Array {
  const dict = `{'descr': '${dtype === 'float32' ? '<f4' : '<f8'}', 'fortran_order': False, 'shape': (${shape[0]}, ${shape[1]}), }`;
  const v1 = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10 <= 0xffff;
  const pre = v1 ? 10 : 12;
  const total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, total - pre, true);
  else view.setUint32(8, total - pre, true);
  const text = `${dict}${' '.repeat(total - pre - dict.length - 1)}\n`;
  out.set(new TextEncoder().encode(text), pre);
  return out;
}
