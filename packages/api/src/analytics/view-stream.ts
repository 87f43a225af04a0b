/**
 * Product page views on their way to the analytics worker (appended by the storefront's server
 * after it rendered the product, so the vendor id is the catalogue's, never a client's claim):
 * a bounded Redis stream (`analytics:views`, about the newest VIEW_STREAM_MAX_LEN entries). A
 * view is added at most once per visitor, product and UTC hour: the Lua script sets a marker key and appends in one atomic
 * step, and the entry's `viewKey` carries the same identity so the worker's database insert dedupes
 * again should a Redis failover lose the marker.
 */
import { createHash, randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { BUCKET_MS, bucketStart } from "./buckets.ts";

export const VIEWS_STREAM = "analytics:views";
export const VIEW_STREAM_MAX_LEN = 100_000;
/** The worker's consumer group on the stream. */
export const VIEWS_GROUP = "analytics";

export const viewEntrySchema = z.object({
  viewKey: z.string().min(1).max(200),
  productId: z.uuid(),
  vendorId: z.uuid(),
  viewedAt: z.iso.datetime(),
});
export type ViewEntry = z.infer<typeof viewEntrySchema>;

/** Who viewed: the signed-in user, else the guest cookie; null when the request has neither. */
export interface Visitor {
  userId?: string | null;
  guestId?: string | null;
}

/** Hashed, so neither user ids nor guest cookies end up in the stream or the view log. */
function visitorHash(visitor: Visitor): string {
  const id = visitor.userId
    ? `u:${visitor.userId}`
    : visitor.guestId
      ? `g:${visitor.guestId}`
      : null;
  // Without any identity the view is still counted, just not deduplicated.
  return createHash("sha256")
    .update(id ?? `anon:${randomUUID()}`)
    .digest("base64url")
    .slice(0, 22);
}

/** The identity of one (visitor, product, hour) view. */
export function viewKey(productId: string, viewedAt: Date, visitor: Visitor): string {
  return `${bucketStart(viewedAt, "hour").toISOString()}|${productId}|${visitorHash(visitor)}`;
}

// KEYS[1] marker, KEYS[2] stream; ARGV: marker ttl (s), max len, then the entry's field/value pairs.
const RECORD_VIEW_SCRIPT = `
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  local entry = {}
  for i = 3, #ARGV do entry[#entry + 1] = ARGV[i] end
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(entry))
  return 1
end
return 0`;

/** Adds one view unless this visitor already viewed the product this hour. True when added. */
export async function appendView(
  redis: Redis,
  product: { productId: string; vendorId: string },
  visitor: Visitor,
  viewedAt = new Date(),
): Promise<boolean> {
  const entry: ViewEntry = {
    viewKey: viewKey(product.productId, viewedAt, visitor),
    productId: product.productId,
    vendorId: product.vendorId,
    viewedAt: viewedAt.toISOString(),
  };
  const ttlSeconds = Math.ceil(BUCKET_MS.hour / 1000);
  const added = await redis.eval(
    RECORD_VIEW_SCRIPT,
    2,
    `analytics:viewed:${entry.viewKey}`,
    VIEWS_STREAM,
    ttlSeconds,
    VIEW_STREAM_MAX_LEN,
    ...Object.entries(entry).flat(),
  );
  return added === 1;
}

/** A stream entry's field list (`[k1, v1, k2, v2, …]`) as a view, or null when it is malformed. */
export function parseViewEntry(fields: string[]): ViewEntry | null {
  const obj: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) obj[fields[i]!] = fields[i + 1]!;
  const parsed = viewEntrySchema.safeParse(obj);
  return parsed.success ? parsed.data : null;
}
