/**
 * The payment circuit breaker lives in the saga worker (it is the one calling the provider), but
 * the API must refuse a checkout at once while it is open instead of accepting an order that can
 * only fail. The worker publishes every state change to Redis under one key; while open, the key
 * carries a TTL that the worker keeps refreshing, so a worker that died with an open breaker
 * cannot block checkouts after the TTL runs out.
 */
import { z } from "zod";

export const PAYMENTS_BREAKER_KEY = "breaker:payments";
/** How long an "open" record survives without a refresh from a live worker. */
export const OPEN_STATE_TTL_MS = 30_000;

export const breakerRecordSchema = z.object({
  state: z.enum(["closed", "half-open", "open"]),
  /** Epoch ms of the transition. */
  since: z.number(),
  /** Which worker process published it (host:pid). */
  by: z.string(),
});
export type BreakerRecord = z.infer<typeof breakerRecordSchema>;

/** The few Redis commands this needs, so callers pass any ioredis client (direct or Sentinel). */
export interface BreakerStateRedis {
  set(key: string, value: string, px: "PX", ms: number): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  get(key: string): Promise<string | null>;
}

export async function publishBreakerState(
  redis: BreakerStateRedis,
  record: BreakerRecord,
): Promise<void> {
  const value = JSON.stringify(record);
  if (record.state === "open")
    await redis.set(PAYMENTS_BREAKER_KEY, value, "PX", OPEN_STATE_TTL_MS);
  else await redis.set(PAYMENTS_BREAKER_KEY, value);
}

/** True only for a fresh "open" record; a missing or unreadable key means "go ahead". */
export async function paymentsBreakerOpen(redis: Pick<BreakerStateRedis, "get">): Promise<boolean> {
  const raw = await redis.get(PAYMENTS_BREAKER_KEY);
  if (raw === null) return false;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    // A record we cannot read must not block every checkout; the worker rewrites it soon.
    if (err instanceof SyntaxError) return false;
    throw err;
  }
  const parsed = breakerRecordSchema.safeParse(json);
  return parsed.success && parsed.data.state === "open";
}
