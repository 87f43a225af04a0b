/**
 * The stream side for views: reads `analytics:views` in the consumer group `analytics`, writes each
 * view to the view log (its key dedupes: one per visitor, product and hour) and adds the new ones
 * to the rollups in the same core transaction, then acknowledges. A crash before the ack leaves the
 * entries pending; they are read again (own pending first, other consumers' after they idled) and
 * the log's key makes the second write a no-op.
 */
import { parseViewEntry, VIEWS_GROUP, VIEWS_STREAM, type ViewEntry } from "@agora/api/analytics";
import { core } from "@agora/db";
import type { Redis } from "ioredis";
import { addToRollups, lockRollupsShared } from "./rollup-store.ts";
import { viewDelta } from "./sale-effects.ts";

const TX_OPTIONS = { maxWait: 5_000, timeout: 15_000 };
/** Entries another consumer read but did not acknowledge for this long are taken over. */
const CLAIM_IDLE_MS = 60_000;

/** An entry trimmed from the stream while pending comes back without fields. */
type Entry = [id: string, fields: string[] | null];
type StreamReply = [stream: string, entries: Entry[]][] | null;

/** Writes views to the log and the rollups; returns how many were new. */
export async function applyViews(views: readonly ViewEntry[]): Promise<number> {
  if (views.length === 0) return 0;
  return core().primary.$transaction(async (tx) => {
    await lockRollupsShared(tx);
    const fresh = await tx.$queryRawUnsafe<
      { vendor_id: string; product_id: string; viewed_at: Date }[]
    >(
      `INSERT INTO analytics_view_events (view_key, vendor_id, product_id, viewed_at)
       SELECT view_key, vendor_id, product_id, viewed_at FROM jsonb_to_recordset($1::jsonb)
         AS r(view_key text, vendor_id uuid, product_id uuid, viewed_at timestamptz)
       ON CONFLICT DO NOTHING
       RETURNING vendor_id::text, product_id::text, viewed_at`,
      JSON.stringify(
        views.map((v) => ({
          view_key: v.viewKey,
          vendor_id: v.vendorId,
          product_id: v.productId,
          viewed_at: v.viewedAt,
        })),
      ),
    );
    const deltas = fresh.map((v) => viewDelta(v.vendor_id, v.product_id, new Date(v.viewed_at)));
    await addToRollups(tx, deltas);
    return fresh.length;
  }, TX_OPTIONS);
}

/** Creates the consumer group (reading from the stream's start) unless it exists. */
export async function ensureViewGroup(redis: Redis): Promise<void> {
  try {
    await redis.xgroup("CREATE", VIEWS_STREAM, VIEWS_GROUP, "0", "MKSTREAM");
  } catch (err) {
    if (!String((err as Error).message).includes("BUSYGROUP")) throw err;
  }
}

async function handle(redis: Redis, entries: Entry[]): Promise<number> {
  if (entries.length === 0) return 0;
  // Malformed entries are acknowledged too: reading them again would not make them valid.
  const views = entries
    .map(([, fields]) => (fields ? parseViewEntry(fields) : null))
    .filter((v) => v !== null);
  await applyViews(views);
  await redis.xack(VIEWS_STREAM, VIEWS_GROUP, ...entries.map(([id]) => id));
  return entries.length;
}

/**
 * One round: this consumer's own unacknowledged entries, then entries idle at other consumers,
 * then new ones (blocking up to `blockMs`). Returns how many entries it handled.
 */
export async function drainViews(
  redis: Redis,
  consumer: string,
  opts: { count?: number; blockMs?: number } = {},
): Promise<number> {
  const count = opts.count ?? 200;
  // Own pending entries first ("0"), then fresh ones (">"), optionally blocking for them.
  const read = (from: "0" | ">", blockMs?: number) =>
    (blockMs
      ? redis.xreadgroup(
          "GROUP",
          VIEWS_GROUP,
          consumer,
          "COUNT",
          count,
          "BLOCK",
          blockMs,
          "STREAMS",
          VIEWS_STREAM,
          from,
        )
      : redis.xreadgroup(
          "GROUP",
          VIEWS_GROUP,
          consumer,
          "COUNT",
          count,
          "STREAMS",
          VIEWS_STREAM,
          from,
        )) as Promise<StreamReply>;
  const pending = (await read("0"))?.[0]?.[1] ?? [];
  if (pending.length > 0) return handle(redis, pending);
  const claimed = (await redis.xautoclaim(
    VIEWS_STREAM,
    VIEWS_GROUP,
    consumer,
    CLAIM_IDLE_MS,
    "0-0",
    "COUNT",
    count,
  )) as [next: string, entries: Entry[]];
  if (claimed[1].length > 0) return handle(redis, claimed[1]);
  const fresh = await read(">", opts.blockMs);
  return handle(redis, fresh?.[0]?.[1] ?? []);
}
