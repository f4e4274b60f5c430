/**
 * `saveTxt`: a ds-array as delimited text. Workers format row blocks; the driver appends them in
 * order, with a few row blocks in flight, so the whole array is never held in one place.
 */
import { open } from 'node:fs/promises';
import { ParameterError } from '../../errors.js';
import { get, submit, type Future } from '../../runtime/index.js';
import { DsArray } from '../dsarray.js';
import { formatTxtRowsTask } from './tasks.js';

/** Options of {@link saveTxt}. */
export interface SaveTxtOptions {
  /** Field separator. Default `','`. */
  readonly delimiter?: string;
}

/** Row blocks formatted ahead of the one being written. */
const IN_FLIGHT = 4;

/**
 * Saves a ds-array as delimited text, one line per row, each value in its shortest round-trip form
 * (`nan`, `inf`, `-inf` as numpy writes them): `numpy.loadtxt(path, delimiter=...)` and
 * {@link loadTxtFile} read back exactly the same values. Overwrites `path`.
 *
 * @throws {@link ParameterError} when `x` is not a ds-array or the delimiter is empty or holds a newline
 * @example
 * ```ts
 * await saveTxt(x, 'x.csv');
 * ```
 */
export async function saveTxt(x: DsArray, path: string, options: SaveTxtOptions = {}): Promise<void> {
  if (!(x instanceof DsArray)) throw new ParameterError('x', 'expected a DsArray');
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length === 0 || /[\r\n]/.test(delimiter)) {
    throw new ParameterError('delimiter', `expected a non-empty string without newlines, found ${JSON.stringify(delimiter)}`);
  }
  const pending: Future<Uint8Array>[] = [];
  let next = 0;
  const fill = (): void => {
    while (pending.length < IN_FLIGHT && next < x.nBlocks[0]) pending.push(submit(formatTxtRowsTask, [[...(x.blocks[next++] ?? [])], delimiter]));
  };
  const fh = await open(path, 'w');
  try {
    fill();
    for (let f = pending.shift(); f !== undefined; f = pending.shift()) {
      const bytes = await get(f);
      f.dispose();
      fill();
      for (let done = 0; done < bytes.length; ) done += (await fh.write(bytes, done)).bytesWritten;
    }
  } finally {
    pending.forEach((f) => f.dispose());
    await fh.close();
  }
}
