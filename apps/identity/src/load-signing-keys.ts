/**
 * The first load of the signing keys, at start-up, retried while core is unavailable: every
 * process of a deployment connects at once, or a failover is under way, and exiting on the first
 * connect timeout would turn a short outage into a crash loop.
 */
import { withRetry, type RetryOptions } from "@agora/db";
import type { KeySet } from "./signing-keys.ts";

/** Full-jitter backoff of at most 47.5 s in all (ceilings 0.5, 1, 2, 4, then 8 s): about a minute with the attempts. */
export const KEY_LOAD_RETRY = { attempts: 10, baseDelayMs: 500, maxDelayMs: 8_000 } as const;

/**
 * Calls `load` until it succeeds, retrying only database-unavailable errors (`isRetryable`), at
 * most `KEY_LOAD_RETRY.attempts` times; rethrows the last error. Safe to repeat: the key set is
 * read and rotated under an advisory lock. `sleep` and `random` are injectable for tests.
 */
export function loadSigningKeysWithRetry(
  load: () => Promise<KeySet>,
  opts: Pick<RetryOptions, "onRetry" | "sleep" | "random"> = {},
): Promise<KeySet> {
  return withRetry(() => load(), { ...KEY_LOAD_RETRY, ...opts });
}
