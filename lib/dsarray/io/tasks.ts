/**
 * The block tasks of the loaders and savers. Submits carry this module's URL and workers import it on
 * first use, so the driver's submits resolve to these functions by name.
 */
import { taskModule } from '../../runtime/index.js';
import { PIECES_PER_RANGE, assembleDense } from './assemble.js';
import { readNpyBlock, writeNpyRows } from './npy-block.js';
import { assembleCsr, parseSvmlightRange } from './svmlight-range.js';
import { readHdf5Block } from './hdf5-file.js';
import { formatTxtRows } from './txt-format.js';
import { parseTxtRange } from './txt-range.js';

const defineTask = taskModule(import.meta.url);

/** Parses one byte range of a text file: `[meta, ...pieces of its values]`. */
export const parseTxtRangeTask = defineTask('dsarray.io.parseTxtRange', parseTxtRange, { nReturns: 1 + PIECES_PER_RANGE });

/** Cuts one dense block out of parsed row pieces. */
export const assembleDenseTask = defineTask('dsarray.io.assembleDense', assembleDense);

/** Reads one block of a `.npy` file. */
export const readNpyBlockTask = defineTask('dsarray.io.readNpyBlock', readNpyBlock);

/** Writes one row block into a `.npy` file. */
export const writeNpyRowsTask = defineTask('dsarray.io.writeNpyRows', writeNpyRows);

/** Parses one byte range of an svmlight file: `[meta, rows, labels, qids]`. */
export const parseSvmlightRangeTask = defineTask('dsarray.io.parseSvmlightRange', parseSvmlightRange, { nReturns: 4 });

/** Cuts one CSR block out of parsed svmlight rows. */
export const assembleCsrTask = defineTask('dsarray.io.assembleCsr', assembleCsr);

/** Reads one block of an HDF5 dataset as a hyperslab. */
export const readHdf5BlockTask = defineTask('dsarray.io.readHdf5Block', readHdf5Block);

/** Formats one row block as text lines. */
export const formatTxtRowsTask = defineTask('dsarray.io.formatTxtRows', formatTxtRows);
