import { isRetryable } from "../errors/database-errors.ts";

export interface RetryOptions {
  /** Total attempts including the first (bounded; default 4). */
  attempts?: number;
  /** First backoff in ms; doubles each attempt (default 100). */
  baseDelayMs?: number;
  /** Cap for a single backoff (default 2000). */
  maxDelayMs?: number;
  /** Which errors to retry (default: connection-level / serialization failures). */
  retryIf?: (err: unknown) => boolean;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/** "Full jitter" backoff: uniform in [0, min(cap, base * 2^n)], so retrying clients spread out. */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/**
 * Retries an IDEMPOTENT operation a bounded number of times. Only for reads or writes guarded by
 * an idempotency key: a write whose commit acknowledgement was lost may already have happened.
 */
export async function withRetry<T>(
  op: (attempt: number) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, opts.attempts ?? 4);
  const base = opts.baseDelayMs ?? 100;
  const cap = opts.maxDelayMs ?? 2000;
  const retryIf = opts.retryIf ?? isRetryable;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      if (attempt >= attempts || !retryIf(err)) throw err;
      const delay = backoffDelay(attempt - 1, base, cap, opts.random);
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
