/**
 * Stock events of one product, applied one at a time per process, the newest first to win.
 *
 * A sale sends a burst of StockChanged events for the same few products, and the pool works on
 * several at once: each apply's `UPDATE catalog_search … WHERE product_id = …` then queued on that
 * row's lock until the transaction before it committed, holding a core connection all the while
 * (measured: 2 per order at 11-13 ms each, the costliest statement on core; docs/performance.md,
 * twelfth measurement). Here an event waits for the one before it of the same product in this
 * process instead, without a connection; when its turn comes, an event whose position is not newer
 * than one this process already applied is skipped: it would change nothing (each event carries
 * the product's whole availability, and the UPDATE only moves forward), so it costs no
 * transaction. Other processes' applies still meet on the row, as before.
 *
 * A per-key promise chain, written here: the one library in the tree that limits concurrency
 * (p-limit) has no keys, and this is a dozen lines.
 */
export interface StockEventKey {
  cluster: string;
  aggregateId: string;
  outboxId: string;
}

export class StockCoalescer {
  private readonly tails = new Map<string, Promise<void>>();
  /** Newest position applied per source and product, oldest entries dropped past `maxKeys`. */
  private readonly applied = new Map<string, bigint>();

  constructor(private readonly maxKeys = 10_000) {}

  async run<T>(m: StockEventKey, apply: () => Promise<T>, superseded: () => T): Promise<T> {
    const key = `${m.cluster}:${m.aggregateId}`;
    const position = BigInt(m.outboxId);
    const before = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.tails.set(key, tail);
    try {
      await before;
      const newest = this.applied.get(key);
      if (newest !== undefined && newest >= position) return superseded();
      const result = await apply();
      this.remember(key, position);
      return result;
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  private remember(key: string, position: bigint): void {
    const current = this.applied.get(key);
    if (current !== undefined && current >= position) return;
    this.applied.delete(key); // re-inserted last: the map's order is least recently applied first
    this.applied.set(key, position);
    if (this.applied.size > this.maxKeys) this.applied.delete(this.applied.keys().next().value!);
  }
}
