/**
 * Prometheus metrics for every breaker, bulkhead and rate limiter in the process. One module-level
 * registry so an app's `/metrics` handler can merge it with its own (`Registry.merge`) without
 * this package touching prom-client's global default registry.
 *
 * Kept on globalThis: a bundler (Next.js) may load this module more than once in one process, and
 * two registries with the same metric names could not be merged into one `/metrics` body.
 */
import { Counter, Gauge, Registry } from "prom-client";

/** Numeric encoding of breaker states for the gauge: higher is worse, so alerts can use `> 0`. */
export const BREAKER_STATE_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;

function createMetrics() {
  const registry = new Registry();
  return {
    registry,
    breakerState: new Gauge({
      name: "resilience_breaker_state",
      help: "Circuit breaker state: 0 closed, 1 half-open, 2 open",
      labelNames: ["breaker"] as const,
      registers: [registry],
    }),
    breakerCalls: new Counter({
      name: "resilience_breaker_calls_total",
      help: "Calls through a circuit breaker by final outcome (after retries)",
      labelNames: ["breaker", "outcome"] as const,
      registers: [registry],
    }),
    breakerRetries: new Counter({
      name: "resilience_breaker_retries_total",
      help: "Retry attempts made by a circuit breaker's retry policy",
      labelNames: ["breaker"] as const,
      registers: [registry],
    }),
    bulkheadRejections: new Counter({
      name: "resilience_bulkhead_rejections_total",
      help: "Calls rejected because a bulkhead's slots and queue were full",
      labelNames: ["bulkhead"] as const,
      registers: [registry],
    }),
    rateLimitRejections: new Counter({
      name: "resilience_rate_limit_rejections_total",
      help: "Requests refused by a rate limiter",
      labelNames: ["scope"] as const,
      registers: [registry],
    }),
    rateLimitUnavailable: new Counter({
      name: "resilience_rate_limit_unavailable_total",
      help: "Rate-limit checks that could not reach Redis, by the decision taken (failOpen: allowed, else error)",
      labelNames: ["scope", "decision"] as const,
      registers: [registry],
    }),
  };
}

const KEY = Symbol.for("@agora/resilience/metrics");
const slot = globalThis as typeof globalThis & { [KEY]?: ReturnType<typeof createMetrics> };
const metrics = (slot[KEY] ??= createMetrics());

export const resilienceMetrics: Registry = metrics.registry;
export const {
  breakerState,
  breakerCalls,
  breakerRetries,
  bulkheadRejections,
  rateLimitRejections,
  rateLimitUnavailable,
} = metrics;
