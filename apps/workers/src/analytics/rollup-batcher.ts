/**
 * Group commit for the rollups: what the consumer's jobs submit within a short window (or until the
 * batch is full) is written in one transaction, one write at a time per process, and each job's
 * promise settles only once its batch is written, so BullMQ acknowledges a job after its increments
 * are durable. A batch that fails is written again one item at a time: an event that cannot be
 * counted fails alone (its job retries) and the others still land. Exactly-once stays with the
 * writer: the dedupe rows commit with the increments, in the batch's transaction or the item's.
 */
export interface RollupBatcherOptions<T, R> {
  /** Writes the items in one transaction; one result per item, in their order. */
  write: (items: T[]) => Promise<R[]>;
  /** Writes one item on its own (after its batch failed). */
  writeOne: (item: T) => Promise<R>;
  /** How long the first item of a batch waits for others. */
  windowMs: number;
  /** A batch is written as soon as it has this many items. */
  maxItems: number;
  /** A batch's write failed (its items are then written one by one). A logger: must not throw. */
  onBatchError?: (err: unknown, size: number) => void;
}

interface Pending<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export class RollupBatcher<T, R> {
  private pending: Pending<T, R>[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly opts: RollupBatcherOptions<T, R>) {}

  /** Settles once the item is written (with its result) or failed on its own. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.opts.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs);
    });
  }

  /** Writes the next batch once the write in progress is done; resolves when that one is written. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.writeNext());
    return this.writing;
  }

  /** Writes everything still waiting (the pool's shutdown, after its worker stopped taking jobs). */
  async close(): Promise<void> {
    while (this.pending.length > 0) await this.flush();
    await this.writing;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async writeNext(): Promise<void> {
    const batch = this.pending.splice(0, this.opts.maxItems);
    // What is left (more than a batch came in) gets its own window.
    if (this.pending.length > 0) this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs);
    if (batch.length === 0) return;
    let results: R[];
    try {
      results = await this.opts.write(batch.map((p) => p.item));
    } catch (err) {
      this.opts.onBatchError?.(err, batch.length);
      for (const p of batch) await this.opts.writeOne(p.item).then(p.resolve, p.reject);
      return;
    }
    batch.forEach((p, i) => p.resolve(results[i]!));
  }
}
