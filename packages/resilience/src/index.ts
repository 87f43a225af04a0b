export {
  breakers,
  createCircuitBreaker,
  isTransientError,
  type AttemptContext,
  type BreakerCounters,
  type BreakerSnapshot,
  type BreakerState,
  type BreakerTrip,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type RetryOptions,
  type StateChange,
} from "./breaker.ts";
export {
  bulkheads,
  createBulkhead,
  type Bulkhead,
  type BulkheadOptions,
  type BulkheadSnapshot,
} from "./bulkhead.ts";
export {
  createRateLimiter,
  rateLimitKey,
  retryAfterSeconds,
  type RateLimiter,
  type RateLimiterOptions,
  type RateLimitResult,
} from "./rate-limit.ts";
export {
  BulkheadRejectedError,
  CircuitOpenError,
  RateLimiterUnavailableError,
  ResilienceError,
  TimeoutError,
} from "./errors.ts";
export { resilienceMetrics } from "./metrics.ts";
