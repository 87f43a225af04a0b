/**
 * Typed errors thrown by this package. Each carries a stable `code` (what API edges switch on to
 * pick a status) and `retryable` (what retry policies, ours and callers', consult).
 */
export abstract class ResilienceError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
}

/** The breaker is open: the call was refused without touching the dependency. */
export class CircuitOpenError extends ResilienceError {
  readonly code = "CIRCUIT_OPEN";
  // Retrying against an open circuit only burns the caller's budget; wait `retryAfterMs` instead.
  readonly retryable = false;
  constructor(
    readonly breaker: string,
    /** Time until the breaker lets a probe call through (0: the next call is the probe). */
    readonly retryAfterMs: number,
  ) {
    super(`circuit "${breaker}" is open; retry in ${retryAfterMs} ms`);
    this.name = "CircuitOpenError";
  }
}

/** One attempt exceeded its time budget (the attempt's AbortSignal was aborted too). */
export class TimeoutError extends ResilienceError {
  readonly code = "TIMEOUT";
  // A timeout is usually transient; callers of non-idempotent operations must opt out of retries.
  readonly retryable = true;
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(`"${operation}" timed out after ${timeoutMs} ms`);
    this.name = "TimeoutError";
  }
}

/** The bulkhead's execution slots and queue were all taken. */
export class BulkheadRejectedError extends ResilienceError {
  readonly code = "BULKHEAD_FULL";
  // Shed load instead of retrying in-process: an immediate retry would queue behind the same calls.
  readonly retryable = false;
  constructor(
    readonly bulkhead: string,
    readonly maxConcurrent: number,
    readonly maxQueue: number,
  ) {
    super(`bulkhead "${bulkhead}" is full (${maxConcurrent} running, ${maxQueue} queued)`);
    this.name = "BulkheadRejectedError";
  }
}

/** Redis could not be asked and the limiter was configured with `failOpen: false`. */
export class RateLimiterUnavailableError extends ResilienceError {
  readonly code = "RATE_LIMITER_UNAVAILABLE";
  readonly retryable = true;
  constructor(
    readonly scope: string,
    options: { cause: unknown },
  ) {
    super(`rate limiter "${scope}" could not reach Redis`, options);
    this.name = "RateLimiterUnavailableError";
  }
}
