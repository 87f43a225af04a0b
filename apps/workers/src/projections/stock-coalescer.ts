/**
 * Stock events of one product, applied one at a time per process, the newest first to win.
 *
 * A sale sends a burst of StockChanged events for the same few products, and a pool works on
 * several at once: each apply's statement on that product's row (the search projection's
 * `UPDATE catalog_search`, the low-stock state in `vendor_stock_alerts`) then queued on the row's
 * lock until the transaction before it committed, holding a core connection all the while
 * (measured: docs/performance.md, twelfth measurement). Here an event waits for the one before it
 * of the same product in this process instead, without a connection; when its turn comes, an event
 * older than one this process already applied from the same source is skipped: it would change
 * nothing (each event carries the product's whole availability, and the consumers only move
 * forward), so it costs no transaction. The same event again (a redelivery) is not skipped: the
 * consumer's dedupe row answers it, and a consumer may have work left for a duplicate (the vendor
 * notices re-enqueue unfinished deliveries). Other processes' applies still meet on the row, as
 * before, and the row's own position check keeps them right.
 *
 * A per-key promise chain, written here: the one library in the tree that limits concurrency
 * (p-limit) has no keys, and this is a dozen lines.
 */
export interface StockEventKey {
  /** The source of the position (a shard), and the event's outbox id there. */
  cluster: string;
  aggregateId: string;
  outboxId: string;
  /**
   * Which events wait for each other: by default the product of one source
   * (`cluster:aggregateId`). A lane may span sources (a vendor's product, whichever shard it was
   * on: vendor moves); positions are still only compared within one source.
   */
  lane?: string;
}

export class StockCoalescer {
  private readonly tails = new Map<string, Promise<void>>();
  /** Newest position applied per lane and source, oldest entries dropped past `maxKeys`. */
  private readonly applied = new Map<string, bigint>();

  constructor(private readonly maxKeys = 10_000) {}

  async run<T>(m: StockEventKey, apply: () => Promise<T>, superseded: () => T): Promise<T> {
    const lane = m.lane ?? `${m.cluster}:${m.aggregateId}`;
    const key = `${lane}|${m.cluster}`;
    const position = BigInt(m.outboxId);
    const before = this.tails.get(lane) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.tails.set(lane, tail);
    try {
      await before;
      const newest = this.applied.get(key);
      if (newest !== undefined && newest > position) return superseded();
      const result = await apply();
      this.remember(key, position);
      return result;
    } finally {
      release();
      if (this.tails.get(lane) === tail) this.tails.delete(lane);
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
