/**
 * Checks shared by the loaders and savers: file existence and option values.
 */
import { stat } from 'node:fs/promises';
import { DataFormatError, ParameterError } from '../../errors.js';
import type { DType } from '../block.js';

/** Checks a dtype option (default float64). */
export function checkDType(dtype: DType | undefined): DType {
  const d = dtype ?? 'float64';
  if (d !== 'float64' && d !== 'float32') {
    throw new ParameterError('dtype', `expected 'float64' or 'float32', found ${JSON.stringify(d)}`);
  }
  return d;
}

/**
 * Size in bytes of the regular file at `path`.
 *
 * @throws {@link DataFormatError} when it is missing, unreadable or not a regular file
 */
export async function statDataFile(path: string): Promise<number> {
  if (typeof path !== 'string' || path.length === 0) throw new ParameterError('path', `expected a file path, found ${JSON.stringify(path)}`);
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataFormatError(path, code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(err)})`);
  }
  if (!st.isFile()) throw new DataFormatError(path, 'not a regular file');
  return st.size;
}
