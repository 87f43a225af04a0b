/**
 * The search read model (CQRS): core `catalog_search` follows the shards' ProductUpserted and
 * StockChanged events. Every apply is idempotent (consumeOnce: dedupe row + effect in one core
 * transaction) and order-safe: product data carries the product version and stock carries the
 * shard outbox id, and an UPDATE only lands when its position is newer than the row's, so a
 * redelivered or overtaken older event changes nothing.
 */
import { core, productUpsertedSchema, PRODUCT_TOPIC, STOCK_TOPIC, stockChangedSchema } from "@agora/db";
import { consumeOnce, type ConsumeOutcome, type DedupeStore } from "../outbox/consume.ts";
import type { RawTx } from "../outbox/fencing.ts";
import type { OutboxMessage } from "../outbox/outbox-message.ts";

export const SEARCH_PROJECTION = "search-projection";

/** A StockChanged arrived before its product's first ProductUpserted (separate queues). */
export class ProductNotProjectedError extends Error {
  readonly code = "PRODUCT_NOT_PROJECTED";
  readonly retryable = true;
  constructor(productId: string) {
    super(`stock for product ${productId} arrived before the product; retried later`);
    this.name = "ProductNotProjectedError";
  }
}

export interface ProjectionOutcome {
  outcome: ConsumeOutcome;
  /** Products whose read-model row changed (their cache entries must go). */
  changed: string[];
}

async function applyProductUpserted(tx: RawTx, m: OutboxMessage): Promise<boolean> {
  const p = productUpsertedSchema.parse(m.payload);
  // A brand-new product is out of stock until its first StockChanged says otherwise.
  const n = await tx.$executeRawUnsafe(
    `INSERT INTO catalog_search (product_id, vendor_id, vendor_name, shard, category_slug, title,
       description, price_cents, currency, image_url, in_stock, source_version, status, updated_at)
     VALUES ($1::uuid, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, false, $11, $12, now())
     ON CONFLICT (product_id) DO UPDATE SET
       vendor_id = EXCLUDED.vendor_id, vendor_name = EXCLUDED.vendor_name, shard = EXCLUDED.shard,
       category_slug = EXCLUDED.category_slug, title = EXCLUDED.title,
       description = EXCLUDED.description, price_cents = EXCLUDED.price_cents,
       currency = EXCLUDED.currency, image_url = EXCLUDED.image_url,
       source_version = EXCLUDED.source_version, status = EXCLUDED.status, updated_at = now()
     WHERE catalog_search.source_version < EXCLUDED.source_version`,
    p.productId,
    p.vendorId,
    p.vendorName,
    m.cluster,
    p.categorySlug,
    p.title,
    p.description,
    p.priceCents,
    p.currency,
    p.imageUrl,
    p.version,
    p.status,
  );
  return n > 0;
}

async function applyStockChanged(tx: RawTx, m: OutboxMessage): Promise<boolean> {
  const s = stockChangedSchema.parse(m.payload);
  const position = BigInt(m.outboxId);
  const n = await tx.$executeRawUnsafe(
    `UPDATE catalog_search SET available = $2, in_stock = $2 > 0, stock_position = $3, updated_at = now()
     WHERE product_id = $1::uuid AND stock_position < $3`,
    s.productId,
    s.available,
    position,
  );
  if (n > 0) return true;
  const exists = await tx.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM catalog_search WHERE product_id = $1::uuid`,
    s.productId,
  );
  // Row present: the event was older than what is applied (ignored). Absent: wait for the product.
  if ((exists[0]?.n ?? 0) === 0) throw new ProductNotProjectedError(s.productId);
  return false;
}

interface Checkpoint {
  source: string;
  position: bigint;
  eventAt: string;
  appliedAt: Date;
}

async function writeCheckpoints(checkpoints: Checkpoint[]): Promise<void> {
  for (const c of checkpoints)
    await core().primary.$executeRawUnsafe(
      `INSERT INTO projection_checkpoints (projection, source, position, event_at, applied_at)
       VALUES ($1, $2, $3, $4::timestamptz, $5::timestamptz)
       ON CONFLICT (projection, source) DO UPDATE SET
         position = EXCLUDED.position, event_at = EXCLUDED.event_at, applied_at = EXCLUDED.applied_at
       WHERE projection_checkpoints.position < EXCLUDED.position`,
      SEARCH_PROJECTION,
      c.source,
      c.position,
      c.eventAt,
      c.appliedAt,
    );
}

/**
 * Per source cluster, the newest applied outbox position with its event's time and the time it
 * was applied (the read model's lag: packages/api search/freshness.ts). Written after the applies
 * commit and coalesced to one upsert per source and flush, not inside each apply's transaction:
 * it is one row per source that every event updates, so with the pool's concurrency each apply
 * waited on the row lock of the one before until that committed, holding its own `catalog_search`
 * row meanwhile (measured: two checkpoint upserts per order at ~7.6 ms each, second only to the
 * stock updates they held up; docs/performance.md, twelfth measurement). The lag stays exact (the
 * apply time is kept); a crash before a flush only leaves the checkpoint one flush behind.
 */
export class CheckpointRecorder {
  private readonly newest = new Map<string, Checkpoint>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly opts: {
      everyMs?: number;
      write?: (checkpoints: Checkpoint[]) => Promise<void>;
      onError?: (err: unknown) => void;
    } = {},
  ) {}

  /** An applied (or already applied) message: its position is kept if it is the source's newest. */
  note(m: Pick<OutboxMessage, "cluster" | "outboxId" | "createdAt">, appliedAt = new Date()): void {
    this.keep({ source: m.cluster, position: BigInt(m.outboxId), eventAt: m.createdAt, appliedAt });
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.opts.everyMs ?? 250);
  }

  /** Writes what was noted since the last flush (one at a time; a failed write is kept for the next). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const batch = [...this.newest.values()];
      if (batch.length === 0) return;
      this.newest.clear();
      try {
        await (this.opts.write ?? writeCheckpoints)(batch);
      } catch (err) {
        for (const c of batch) this.keep(c);
        this.opts.onError?.(err);
      }
    });
    return this.flushing;
  }

  /** `c` unless the source already has a newer one waiting. */
  private keep(c: Checkpoint): void {
    const current = this.newest.get(c.source);
    if (!current || current.position < c.position) this.newest.set(c.source, c);
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

/** Applies one outbox message of topic `product` or `stock` to the read model, at most once. */
export async function projectCatalogEvent(
  store: DedupeStore,
  m: OutboxMessage,
  checkpoints: CheckpointRecorder,
): Promise<ProjectionOutcome> {
  let changed = false;
  const outcome = await consumeOnce(store, SEARCH_PROJECTION, m, async (tx) => {
    if (m.aggregateType === PRODUCT_TOPIC && m.eventType === "ProductUpserted")
      changed = await applyProductUpserted(tx, m);
    else if (m.aggregateType === STOCK_TOPIC && m.eventType === "StockChanged")
      changed = await applyStockChanged(tx, m);
    // Other event types on these topics are not the search model's business (still deduped).
  });
  checkpoints.note(m);
  return { outcome, changed: changed ? [m.aggregateId] : [] };
}
