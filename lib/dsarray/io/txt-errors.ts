/**
 * Turns a range's parse failure into the user's {@link DataFormatError}, with the absolute line.
 */
import { DataFormatError } from '../../errors.js';
import type { TxtRangeFailure } from './txt-range.js';

const MAX_FOUND = 60;

/** Shortens a found field for messages (workers clip before sending): the start of a huge field is enough to recognise it. */
export function clip(found: string): string {
  return found.length > MAX_FOUND ? `${found.slice(0, MAX_FOUND)}... (${found.length} chars)` : found;
}

/**
 * The error for `failure` found at absolute line `line` of `file`.
 *
 * @param skipHeader - whether the load skipped a header (a non-numeric line 1 without it hints at one)
 */
export function txtFailureError(file: string, failure: TxtRangeFailure, line: number, skipHeader: boolean): DataFormatError {
  const where = { line, column: failure.column, expected: failure.expected, found: failure.found };
  switch (failure.kind) {
    case 'io':
      return new DataFormatError(file, `cannot read the file: ${failure.found}`);
    case 'ragged':
      return new DataFormatError(file, 'ragged row: every row must have as many fields as the first', where);
    case 'empty':
      return new DataFormatError(file, 'empty field', where);
    case 'quoted':
      return new DataFormatError(file, 'quoted field: quoted fields are not supported, write plain numbers', where);
    case 'non-numeric':
      return new DataFormatError(
        file,
        line === 1 && !skipHeader ? 'non-numeric field (a header? pass skipHeader: true)' : 'non-numeric field',
        where,
      );
  }
}
