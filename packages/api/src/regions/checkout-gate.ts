/**
 * Orders are CP (docs/adr/0010): they are written only where the `core` primary is. A storefront in
 * another region sends its checkouts over the region link; while that link is cut it must refuse
 * at once and say why, not hang on a connection that will never answer, and never write an order
 * anywhere else. Two checks, both bounded:
 *  1. the local copy of core is recent (the core region's heartbeat keeps arriving): no remote
 *     call at all when the link is known to be down;
 *  2. the core primary answers a probe within AGORA_CORE_PROBE_TIMEOUT_MS (catches a one-way or
 *     fresh cut the heartbeat has not shown yet).
 */
import { core, coreCopyAge, DatabaseUnavailableError, isRetryable } from "@agora/db";
import { outsideCoreRegion, regionSettings } from "./region-settings.ts";

export class RegionPartitionedError extends Error {
  readonly code = "REGION_PARTITIONED";
  constructor(
    readonly region: string,
    readonly coreRegion: string,
    readonly reason: "stale-copy" | "primary-unreachable",
  ) {
    super(
      `checkout paused while the regions are cut off: orders are taken in ${coreRegion}, which ${region} cannot reach right now. ` +
        "Nothing was ordered or charged; your cart is kept — try again shortly.",
    );
    this.name = "RegionPartitionedError";
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new DatabaseUnavailableError(core().name, `no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Throws RegionPartitionedError when this region cannot take an order now; a no-op in the core region. */
export async function assertCheckoutOpen(): Promise<void> {
  if (!outsideCoreRegion()) return;
  const s = regionSettings();
  const partitioned = (reason: RegionPartitionedError["reason"]) =>
    new RegionPartitionedError(s.AGORA_REGION, s.AGORA_CORE_REGION, reason);
  const age = await coreCopyAge(s.AGORA_CORE_REGION);
  if (age.ageMs === null || age.ageMs > s.AGORA_PARTITION_AFTER_MS) throw partitioned("stale-copy");
  try {
    await withTimeout(core().primary.$queryRaw`SELECT 1`, s.AGORA_CORE_PROBE_TIMEOUT_MS);
  } catch (err) {
    if (isCoreUnreachable(err)) throw partitioned("primary-unreachable");
    throw err;
  }
}

/** A failure that means the core primary could not be reached (not a bug, not a refusal). */
export function isCoreUnreachable(err: unknown): boolean {
  return err instanceof DatabaseUnavailableError || isRetryable(err) || (err instanceof Error && "code" in err && err.code === "P2028");
}

/** Outside the core region, a write that could not reach core becomes the partition's error. */
export function asPartitionError(err: unknown): unknown {
  if (!outsideCoreRegion() || !isCoreUnreachable(err)) return err;
  const s = regionSettings();
  return new RegionPartitionedError(s.AGORA_REGION, s.AGORA_CORE_REGION, "primary-unreachable");
}
