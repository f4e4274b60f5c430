/**
 * Typed errors of dislib-ts. Every error carries the context a user needs to act on it:
 * which parameter, file, line, column, task or worker was involved.
 *
 * @packageDocumentation
 */

/** Base class of every error thrown by dislib-ts. */
export class DislibError extends Error {
  /** Structured context (parameter, file, line, worker, ...), also rendered in the message. */
  readonly context: Readonly<Record<string, unknown>>;

  constructor(message: string, context: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }
}

/** A parameter (option, argument) has a wrong type or value. `context.parameter` names it. */
export class ParameterError extends DislibError {
  constructor(parameter: string, message: string, context: Record<string, unknown> = {}) {
    super(`${parameter}: ${message}`, { parameter, ...context });
  }
}

/** Shapes of operands do not fit; raised at call time, before any task is submitted. */
export class ShapeError extends DislibError {}

/** A data file is malformed, missing or unsupported. Message reads `file:line:column: what (expected X, found Y)`. */
export class DataFormatError extends DislibError {
  readonly file: string;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(
    file: string,
    detail: string,
    where: { line?: number; column?: number; expected?: string; found?: string } = {},
  ) {
    const loc = [file, where.line, where.column].filter((p) => p !== undefined).join(':');
    const ef =
      where.expected !== undefined || where.found !== undefined
        ? ` (expected ${where.expected ?? '?'}, found ${where.found ?? '?'})`
        : '';
    super(`${loc}: ${detail}${ef}`, { file, ...where });
    this.file = file;
    this.line = where.line;
    this.column = where.column;
  }
}

/** An estimator was used (predict, score, attributes) before `fit`. */
export class NotFittedError extends DislibError {
  constructor(estimator: string, what = 'this method') {
    super(`${estimator} is not fitted yet: call fit() before using ${what}`, { estimator });
  }
}

/** The native kernels were requested but could not be loaded or built. */
export class NativeUnavailableError extends DislibError {}

/** A task failed: its code threw, or it killed its worker too many times. */
export class TaskFailedError extends DislibError {
  readonly task: string;
  readonly workerId: string | undefined;
  readonly remoteStack: string | undefined;

  constructor(
    task: string,
    message: string,
    context: { workerId?: string; remoteStack?: string; key?: string; reason?: 'error' | 'killed-worker' | 'timeout' | 'lost-dependency' } = {},
  ) {
    super(`task ${task}${context.workerId ? ` on worker ${context.workerId}` : ''}: ${message}`, { task, ...context });
    this.task = task;
    this.workerId = context.workerId;
    this.remoteStack = context.remoteStack;
  }
}

/** The cluster is misconfigured, insecure, or cannot start. */
export class ClusterError extends DislibError {}

/**
 * An estimator was given NaN or ±Infinity. Not a {@link DataFormatError}: the data may come from any
 * source (loaders read `nan`/`inf` as numpy does), and `row`/`column` are 0-based indices of the array,
 * not 1-based lines of a file.
 */
export class NonFiniteError extends DislibError {
  /** Row (from 0) of the first non-finite value. */
  readonly row: number;
  /** Column (from 0) of that value. */
  readonly column: number;

  constructor(parameter: string, estimator: string, where: { row: number; column: number; value: number }) {
    super(`${parameter}: row ${where.row}, column ${where.column} is ${String(where.value)}: ${estimator} needs finite values (rows and columns count from 0)`, {
      parameter,
      estimator,
      ...where,
    });
    this.row = where.row;
    this.column = where.column;
  }
}
