/**
 * Validation of {@link InitOptions}: every problem is a ParameterError naming the option.
 *
 * @packageDocumentation
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { ParameterError } from '../errors.js';
import type { InitOptions } from './types.js';

const KNOWN = new Set([
  'executor',
  'workers',
  'address',
  'secretKey',
  'allowedWorkerKeys',
  'memoryLimit',
  'spillDir',
  'taskModules',
  'trace',
  'workerWaitMs',
  'taskTimeoutMs',
]);

/** Throws a ParameterError for the first invalid or unknown option. */
export function validateInitOptions(o: InitOptions): void {
  if (typeof o !== 'object' || o === null) throw new ParameterError('options', 'expected an options object');
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw new ParameterError(k, `unknown init option (known: ${[...KNOWN].join(', ')})`);
  if (o.executor !== undefined && o.executor !== 'local' && o.executor !== 'cluster') {
    throw new ParameterError('executor', `expected 'local' or 'cluster', found ${JSON.stringify(o.executor)}`);
  }
  if (o.workers !== undefined && (!Number.isInteger(o.workers) || o.workers < 0 || o.workers > 1024)) {
    throw new ParameterError('workers', `expected an integer in [0, 1024], found ${String(o.workers)}`);
  }
  if (o.memoryLimit !== undefined && (!Number.isFinite(o.memoryLimit) || o.memoryLimit < 1 << 20)) {
    throw new ParameterError('memoryLimit', `expected a number of bytes >= 1 MiB, found ${String(o.memoryLimit)}`);
  }
  for (const k of ['workerWaitMs', 'taskTimeoutMs'] as const) {
    const v = o[k];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) throw new ParameterError(k, `expected a positive number of ms, found ${String(v)}`);
  }
  for (const k of ['address', 'secretKey', 'spillDir', 'trace'] as const) {
    const v = o[k];
    if (v !== undefined && (typeof v !== 'string' || v.length === 0)) throw new ParameterError(k, 'expected a non-empty string');
  }
  for (const k of ['taskModules', 'allowedWorkerKeys'] as const) {
    const v = o[k];
    if (v !== undefined && (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))) {
      throw new ParameterError(k, 'expected an array of strings');
    }
  }
}

/**
 * Checks that `spillDir` is an existing directory this process may create files in (local workers run
 * as this user), so that a typo fails at `init` rather than as "cannot spill" on every worker later.
 *
 * @throws {@link ParameterError} naming `spillDir` when it is missing, not a directory or not writable
 */
export async function checkSpillDir(dir: string): Promise<void> {
  const info = await stat(dir).catch((err: NodeJS.ErrnoException) => {
    throw new ParameterError('spillDir', `${dir} cannot be used: ${err.code === 'ENOENT' ? 'no such directory' : err.message}`, { path: dir, code: err.code });
  });
  if (!info.isDirectory()) throw new ParameterError('spillDir', `${dir} is not a directory`, { path: dir });
  await access(dir, constants.W_OK | constants.X_OK).catch((err: NodeJS.ErrnoException) => {
    throw new ParameterError('spillDir', `${dir} is not writable by this user (${err.code ?? err.message})`, { path: dir, code: err.code });
  });
}
