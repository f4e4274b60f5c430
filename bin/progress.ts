/**
 * A text progress bar for iterative fits, fed by an estimator's `onProgress` callback.
 *
 * @packageDocumentation
 */
import type { FitProgress } from '../lib/base/estimator.js';

/** Where the bar is drawn: a writable text stream that may be a terminal (like `process.stderr`). */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Width of the bar in characters. */
const BAR_WIDTH = 20;

/** A figure in at most 4 significant digits, in exponent form when large or small. */
export function figure(v: number): string {
  return v === 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6) ? String(Number(v.toPrecision(4))) : v.toExponential(3);
}

/**
 * Renders `iteration 3/10 [######..............] inertia 1234 shift 0.0567 1.2 s` after each iteration.
 * On a terminal the line is redrawn in place (`\r`, then erase to the end of the line, as a new line
 * may be shorter); otherwise every iteration gets a line of its own, so logs and pipes keep them all.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar(process.stderr);
 * try {
 *   await km.fit(x, undefined, { onProgress: (p) => bar.update(p) });
 * } finally {
 *   bar.finish();
 * }
 * ```
 */
export class ProgressBar {
  readonly #stream: ProgressStream;
  #open = false;

  constructor(stream: ProgressStream) {
    this.#stream = stream;
  }

  /** Draws the state after one iteration. */
  update(progress: FitProgress): void {
    const { iteration, maxIter, metrics } = progress;
    const filled = Math.round((BAR_WIDTH * Math.min(iteration, maxIter)) / maxIter);
    const parts = [`iteration ${iteration}/${maxIter}`, `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`];
    if (metrics.inertia !== undefined) parts.push(`inertia ${figure(metrics.inertia)}`);
    if (metrics.centerShift !== undefined) parts.push(`shift ${figure(metrics.centerShift)}`);
    if (metrics.seconds !== undefined) parts.push(`${metrics.seconds.toFixed(1)} s`);
    const line = parts.join(' ');
    if (this.#stream.isTTY === true) {
      this.#stream.write(`\r${line}\x1b[K`);
      this.#open = true;
    } else {
      this.#stream.write(`${line}\n`);
    }
  }

  /** Ends the redrawn line, so that what follows (a summary, an error) starts on a line of its own. */
  finish(): void {
    if (this.#open) this.#stream.write('\n');
    this.#open = false;
  }
}
