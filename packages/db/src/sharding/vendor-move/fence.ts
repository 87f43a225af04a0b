/**
 * The write fence of a vendor move, as writers see it. The shards refuse a moving vendor's writes
 * themselves (trigger `agora_vendor_move_guard`, shard migration 0019) with SQLSTATE AG001 — while
 * the final catch-up runs on the old shard, forever once the vendor has left it, and on the new
 * shard until the directory points there. Nothing was written (the statement aborted the
 * transaction), so the writer looks the vendor up again and retries; the fence lasts well under
 * a second, a stale directory entry one round trip.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { errorChain } from "../../errors/database-errors.ts";
import { backoffDelay } from "../../replicas/with-retry.ts";
import { invalidateShard } from "../directory.ts";

/** The SQLSTATE the guard trigger raises for a fenced, moved or not-yet-arrived vendor. */
export const VENDOR_MOVING_SQLSTATE = "AG001";

/** The vendor's writes stayed fenced longer than the writer would wait. Retryable later. */
export class VendorMovingError extends Error {
  readonly code = "VENDOR_MOVING";
  readonly retryable = true;
  constructor(
    readonly vendorId: string,
    options?: { cause: unknown },
  ) {
    super(`vendor ${vendorId} is being moved between shards; try again in a few seconds`, options);
    this.name = "VendorMovingError";
  }
}

/** Whether `err` is the shard refusing a moving vendor's write (however Prisma wrapped it). */
export function isVendorMoving(err: unknown): boolean {
  if (err instanceof VendorMovingError) return true;
  return errorChain(err).some(
    (o) =>
      o.code === VENDOR_MOVING_SQLSTATE ||
      o.originalCode === VENDOR_MOVING_SQLSTATE ||
      (typeof o.message === "string" && o.message.includes("is moving between shards")),
  );
}

export interface FenceRetryOptions {
  /** How long to keep retrying before giving up with VendorMovingError (default 20 s). */
  maxWaitMs?: number;
}

/**
 * Runs `write` (one transaction on the vendor's shard, looked up inside it) and, while the
 * vendor's writes are fenced, drops the cached location and runs it again with capped, jittered
 * backoff. Safe because a fenced write wrote nothing.
 */
export async function retryWhileVendorMoves<T>(
  vendorId: string,
  write: () => Promise<T>,
  options: FenceRetryOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.maxWaitMs ?? 20_000);
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (!isVendorMoving(err)) throw err;
      invalidateShard(vendorId);
      if (Date.now() >= deadline) throw new VendorMovingError(vendorId, { cause: err });
      await sleep(Math.min(backoffDelay(Math.min(attempt, 5), 25, 500), deadline - Date.now()));
    }
  }
}
