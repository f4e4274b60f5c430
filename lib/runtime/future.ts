/**
 * Futures: handles to task results that live on workers until released.
 *
 * @packageDocumentation
 */

/** What a future needs from the runtime that created it. */
export interface FutureOwner {
  /** Called once when a future is disposed or garbage-collected: the result may be freed. */
  release(key: string): void;
}

const finalizer = new FinalizationRegistry<{ owner: FutureOwner; key: string }>(({ owner, key }) => owner.release(key));

/**
 * A handle to the result of a submitted task. Pass it as an argument to other submits, read it with
 * `get`, and `dispose()` it (or drop every reference to it) so workers can free the result.
 *
 * @example
 * ```ts
 * const f = submit(add, [1, 2]);
 * const g = submit(add, [f, 10]);
 * f.dispose();          // g still gets f's value
 * await get(g);         // 13
 * ```
 */
export class Future<T = unknown> {
  /** Key of the result object (unique within the runtime). */
  readonly key: string;
  /** Name of the task that produces it. */
  readonly task: string;
  /** @internal the runtime that owns the result */
  readonly owner: FutureOwner;
  #disposed = false;
  declare private readonly phantom?: T;

  /** @internal created by submit / submitMany only */
  constructor(owner: FutureOwner, key: string, task: string) {
    this.owner = owner;
    this.key = key;
    this.task = task;
    finalizer.register(this, { owner, key }, this);
  }

  /** True once {@link dispose} was called. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Releases the result: workers free it once no pending task needs it. Idempotent. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    finalizer.unregister(this);
    this.owner.release(this.key);
  }

  /** Readable form for logs. */
  toString(): string {
    return `Future(${this.key})`;
  }
}
