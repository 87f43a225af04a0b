/**
 * Circuit breaker + per-attempt timeout + bounded retry for one remote dependency, composed from
 * cockatiel policies in the order Polly recommends: retry( breaker( timeout( call ) ) ).
 *  - the timeout bounds each attempt and counts as a breaker failure;
 *  - each attempt passes through the breaker, so an open circuit stops the remaining retries
 *    (CircuitOpenError is not retryable);
 *  - the retry backs off exponentially with decorrelated jitter (cockatiel's default generator).
 * What is written here by hand: mapping cockatiel's errors to our typed ones, state names, the
 * per-breaker counters and the process-wide registry for the ops console — cockatiel has none.
 */
import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  SamplingBreaker,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  TaskCancelledError,
  isBrokenCircuitError,
  retry,
  timeout,
  type IBreaker,
} from "cockatiel";
import { CircuitOpenError, TimeoutError } from "./errors.ts";
import { BREAKER_STATE_VALUE, breakerCalls, breakerRetries, breakerState } from "./metrics.ts";

export type BreakerState = "closed" | "half-open" | "open";

/** When the circuit opens. */
export type BreakerTrip =
  /** After `failures` failed attempts in a row. */
  | { kind: "consecutive"; failures: number }
  /** When more than `failureRatio` (0–1) of attempts in the last `windowMs` failed. */
  | { kind: "sampling"; failureRatio: number; windowMs: number; minimumRps?: number };

export interface RetryOptions {
  /** Total attempts including the first one; 1 disables retries. */
  maxAttempts: number;
  /** First backoff delay; later ones grow exponentially with jitter. Default 100 ms. */
  initialDelayMs?: number;
  /** Cap on a single backoff delay. Default 2000 ms. */
  maxDelayMs?: number;
}

export interface CircuitBreakerOptions {
  trip: BreakerTrip;
  /** How long the circuit stays open; the first call after that is let through as a probe. */
  halfOpenAfterMs: number;
  /** Budget of one attempt. The attempt's AbortSignal is aborted when it runs out. */
  timeoutMs: number;
  /** Default `{ maxAttempts: 3 }`. Only wrap idempotent calls (or ones carrying an idempotency key). */
  retry?: RetryOptions;
  /** Which errors are worth another attempt. Default: {@link isTransientError}. */
  isRetryable?: (err: Error) => boolean;
  /**
   * Which errors count against the dependency's health. Default: all. Pass a predicate to keep
   * answers that are the caller's fault (validation errors, 4xx, "card declined") from opening
   * the circuit. A cancellation by the caller's own signal never counts.
   */
  isFailure?: (err: Error) => boolean;
}

export interface AttemptContext {
  /** Aborted when the attempt times out or the caller's signal aborts: pass it to fetch/pg/etc. */
  signal: AbortSignal;
  /** 0 for the first attempt, 1 for the first retry, … */
  attempt: number;
}

export interface BreakerCounters {
  successes: number;
  failures: number;
  timeouts: number;
  /** Calls refused while the circuit was open. */
  rejections: number;
  retries: number;
  /** Calls given up because the caller's own signal aborted. */
  cancellations: number;
}

export interface BreakerSnapshot {
  name: string;
  state: BreakerState;
  /** While open: time until the next call is let through as a probe. */
  retryAfterMs: number;
  counters: BreakerCounters;
}

export interface StateChange {
  breaker: string;
  from: BreakerState;
  to: BreakerState;
}

export interface CircuitBreaker {
  readonly name: string;
  readonly state: BreakerState;
  execute<T>(fn: (ctx: AttemptContext) => Promise<T>, opts?: { signal?: AbortSignal }): Promise<T>;
  /** Returns an unsubscribe function. */
  onStateChange(listener: (change: StateChange) => void): () => void;
  snapshot(): BreakerSnapshot;
  /** Removes the breaker from the registry and its series from the metrics. */
  dispose(): void;
}

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENOTFOUND",
]);

/**
 * Default retry predicate: errors that say `retryable: true` (our TimeoutError, domain errors
 * that opt in) and socket-level failures. Everything else (bugs, 4xx, `retryable: false`) fails
 * at once: retrying it only multiplies load.
 */
export function isTransientError(err: Error): boolean {
  const { retryable, code } = err as Error & { retryable?: unknown; code?: unknown };
  if (typeof retryable === "boolean") return retryable;
  return typeof code === "string" && TRANSIENT_CODES.has(code);
}

const OUTCOMES = ["success", "failure", "timeout", "rejected", "cancelled"] as const;
type Outcome = (typeof OUTCOMES)[number];

const registry = new Map<string, CircuitBreaker>();

// Not cockatiel's `isTaskCancelledError`: in 3.2.1 it tests for `isBulkheadRejectedError` (a bug).
const isCancellation = (err: unknown): err is TaskCancelledError =>
  err instanceof TaskCancelledError;

/** Every live breaker in this process, for the ops console and `/readyz`. */
export function breakers(): BreakerSnapshot[] {
  return [...registry.values()].map((b) => b.snapshot());
}

function stateName(s: CircuitState): BreakerState {
  if (s === CircuitState.Closed) return "closed";
  if (s === CircuitState.HalfOpen) return "half-open";
  return "open"; // Open, and Isolated (held open by hand)
}

function tripPolicy(trip: BreakerTrip): IBreaker {
  return trip.kind === "consecutive"
    ? new ConsecutiveBreaker(trip.failures)
    : new SamplingBreaker({
        threshold: trip.failureRatio,
        duration: trip.windowMs,
        minimumRps: trip.minimumRps,
      });
}

export function createCircuitBreaker(name: string, opts: CircuitBreakerOptions): CircuitBreaker {
  // Two breakers under one name would split one dependency's health and confuse the console.
  if (registry.has(name)) throw new Error(`circuit breaker "${name}" already exists`);
  const maxAttempts = opts.retry?.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError("retry.maxAttempts must be an integer >= 1");
  const isRetryable = opts.isRetryable ?? isTransientError;
  const isFailure = opts.isFailure ?? (() => true);

  const counters: BreakerCounters = {
    successes: 0,
    failures: 0,
    timeouts: 0,
    rejections: 0,
    retries: 0,
    cancellations: 0,
  };
  let openedAt = 0;

  const breakerPolicy = circuitBreaker(
    // A TaskCancelledError only gets here when the caller aborted (timeouts became TimeoutError).
    handleWhen((err) => !isCancellation(err) && isFailure(err)),
    { breaker: tripPolicy(opts.trip), halfOpenAfter: opts.halfOpenAfterMs },
  );
  const retryPolicy = retry(
    handleWhen((err) => isRetryable(err)),
    {
      maxAttempts: maxAttempts - 1, // cockatiel counts retries, not attempts
      backoff: new ExponentialBackoff({
        initialDelay: opts.retry?.initialDelayMs ?? 100,
        maxDelay: opts.retry?.maxDelayMs ?? 2000,
      }),
    },
  );
  // Aggressive: the caller gets its TimeoutError on time even if `fn` ignores the signal.
  const timeoutPolicy = timeout(opts.timeoutMs, TimeoutStrategy.Aggressive);

  breakerState.set({ breaker: name }, BREAKER_STATE_VALUE.closed);
  let current: BreakerState = "closed";
  const listeners = new Set<(change: StateChange) => void>();
  const subscriptions = [
    breakerPolicy.onStateChange((s) => {
      const to = stateName(s);
      if (to === "open") openedAt = Date.now();
      const change: StateChange = { breaker: name, from: current, to };
      current = to;
      breakerState.set({ breaker: name }, BREAKER_STATE_VALUE[to]);
      for (const l of listeners) l(change);
    }),
    retryPolicy.onRetry(() => {
      counters.retries++;
      breakerRetries.inc({ breaker: name });
    }),
  ];

  const retryAfterMs = () =>
    current === "open" ? Math.max(0, openedAt + opts.halfOpenAfterMs - Date.now()) : 0;

  const outcome = (o: Outcome) => {
    if (o === "success") counters.successes++;
    else if (o === "failure") counters.failures++;
    else if (o === "timeout") counters.timeouts++;
    else if (o === "rejected") counters.rejections++;
    else counters.cancellations++;
    breakerCalls.inc({ breaker: name, outcome: o });
  };

  const runAttempt = async <T>(
    fn: (ctx: AttemptContext) => Promise<T>,
    attempt: number,
    retrySignal: AbortSignal,
  ): Promise<T> => {
    try {
      return await breakerPolicy.execute(
        ({ signal: breakerSignal }) =>
          timeoutPolicy
            .execute(({ signal }) => fn({ signal, attempt }), breakerSignal)
            .catch((err: unknown) => {
              // Whatever `fn` threw after the caller aborted is a cancellation, not the dependency's
              // fault; it must not count against the breaker.
              if (breakerSignal.aborted) throw new TaskCancelledError("cancelled by the caller");
              // Otherwise cockatiel's TaskCancelledError means our timeout fired.
              if (isCancellation(err)) throw new TimeoutError(name, opts.timeoutMs);
              throw err;
            }),
        retrySignal,
      );
    } catch (err) {
      if (isBrokenCircuitError(err)) throw new CircuitOpenError(name, retryAfterMs());
      throw err;
    }
  };

  const cb: CircuitBreaker = {
    name,
    get state() {
      return current;
    },
    async execute(fn, { signal } = {}) {
      try {
        const value = await retryPolicy.execute(
          ({ attempt, signal: s }) => runAttempt(fn, attempt, s),
          signal,
        );
        outcome("success");
        return value;
      } catch (err) {
        outcome(
          err instanceof CircuitOpenError
            ? "rejected"
            : err instanceof TimeoutError
              ? "timeout"
              : isCancellation(err)
                ? "cancelled"
                : "failure",
        );
        throw err;
      }
    },
    onStateChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    snapshot: () => ({
      name,
      state: current,
      retryAfterMs: retryAfterMs(),
      counters: { ...counters },
    }),
    dispose() {
      for (const s of subscriptions) s.dispose();
      listeners.clear();
      registry.delete(name);
      breakerState.remove({ breaker: name });
      for (const o of OUTCOMES) breakerCalls.remove({ breaker: name, outcome: o });
      breakerRetries.remove({ breaker: name });
    },
  };
  registry.set(name, cb);
  return cb;
}
