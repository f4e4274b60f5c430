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

/** A delimiter as the user would type it in an option (a tab as `'\t'`). */
function quoteDelimiter(c: string): string {
  return c === '\t' ? "'\\t'" : `'${c}'`;
}

/**
 * What a non-numeric field most likely means: a line without the delimiter says the delimiter is wrong
 * (naming the separator the line holds), a first line that is not numbers says it is a header.
 */
function nonNumericHint(failure: TxtRangeFailure, line: number, skipHeader: boolean, delimiter: string): string {
  if (failure.noDelimiter === true && failure.otherSeparator !== undefined) {
    const sep = quoteDelimiter(failure.otherSeparator);
    return ` (the line has no ${quoteDelimiter(delimiter)} but holds ${sep}: the delimiter may be wrong; pass delimiter: ${sep})`;
  }
  const header = line === 1 && !skipHeader;
  if (failure.noDelimiter === true) {
    return ` (the line has no ${quoteDelimiter(delimiter)}: the delimiter may be wrong${header ? ', or it is a header: pass skipHeader: true' : ''})`;
  }
  return header ? ' (a header? pass skipHeader: true)' : '';
}

/**
 * The error for `failure` found at absolute line `line` of `file`.
 *
 * @param skipHeader - whether the load skipped a header (a non-numeric line 1 without it hints at one)
 * @param delimiter - the field separator the load used
 */
export function txtFailureError(file: string, failure: TxtRangeFailure, line: number, skipHeader: boolean, delimiter: string): DataFormatError {
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
      return new DataFormatError(file, `non-numeric field${nonNumericHint(failure, line, skipHeader, delimiter)}`, where);
  }
}
