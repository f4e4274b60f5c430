/**
 * The private directory of one cluster run's ipc endpoints (the driver's socket and its local workers'
 * peer sockets): `dislib-run-<driver pid>-XXXXXX` in the temp directory, mode 0700. The driver removes it
 * when it stops or its process ends; one left by a driver that was killed (SIGKILL) is removed by the next
 * driver's start. The same sweep ({@link removeStaleDirs}) removes the spill directories of killed workers.
 *
 * @packageDocumentation
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'dislib-run-';
/** A run directory's name; group 1 is its driver's pid (mkdtemp appends 6 characters). */
const NAME = /^dislib-run-(\d+)-[A-Za-z0-9]{6}$/;

/** Creates a new run directory for this process (mode 0700, as mkdtemp makes it) and returns its path. */
export function createRunDir(): string {
  return mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
}

/** Removes a run directory and everything in it; never throws (it runs in exit and signal handlers too). */
export function removeRunDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Nothing more to do at exit: the next driver's start removes what is left.
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes this user's directories in `root` whose names match `pattern` (group 1: the pid of the process
 * that made them, on this host) and whose process is gone.
 */
export function removeStaleDirs(root: string, pattern: RegExp): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const pid = pattern.exec(name)?.[1];
    if (pid === undefined || processExists(Number(pid))) continue;
    const dir = join(root, name);
    try {
      const st = lstatSync(dir);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Removed meanwhile by another process's sweep.
    }
  }
}

/** Removes this user's run directories whose driver process is gone. */
export function removeStaleRunDirs(): void {
  removeStaleDirs(tmpdir(), NAME);
}
