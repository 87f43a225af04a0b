/**
 * Makes the payment breaker's state visible outside this process: every transition goes to Redis
 * (`breaker:payments`, read by the API to refuse checkouts at once while the provider is down)
 * and to the `agora_payments_breaker_state` gauge. While open, the Redis record is re-written
 * before its TTL runs out, so it expires on its own if this worker dies with the circuit open.
 */
import { hostname } from "node:os";
import {
  OPEN_STATE_TTL_MS,
  publishBreakerState,
  type BreakerRecord,
  type BreakerStateRedis,
} from "@agora/orders";
import type { CircuitBreaker } from "@agora/resilience";
import { gauge } from "@agora/telemetry";

const STATE_VALUE = { closed: 0, "half-open": 1, open: 2 } as const;

export const paymentsBreakerOpenGauge = gauge({
  name: "payments_breaker_state",
  help: "Payment provider circuit breaker as published to the API: 0 closed, 1 half-open, 2 open",
});

export interface BreakerPublisher {
  /** Resolves once the current state has been written (used at start-up and in tests). */
  flush(): Promise<void>;
  stop(): void;
}

export function publishPaymentsBreaker(
  breaker: Pick<CircuitBreaker, "state" | "onStateChange">,
  redis: BreakerStateRedis,
  opts: { onError?: (err: unknown) => void; refreshEveryMs?: number } = {},
): BreakerPublisher {
  const by = `${hostname()}:${process.pid}`;
  const onError =
    opts.onError ??
    ((err: unknown) => {
      process.stderr.write(
        `${JSON.stringify({ level: "warn", msg: "breaker state not published", err: String(err) })}\n`,
      );
    });
  let record: BreakerRecord = { state: breaker.state, since: Date.now(), by };
  let pending: Promise<void> = Promise.resolve();
  let refresh: NodeJS.Timeout | undefined;

  // Writes are chained so Redis always ends with the latest transition, never an older one.
  const write = () => {
    const r = record;
    pending = pending.then(() => publishBreakerState(redis, r)).catch(onError);
    return pending;
  };
  const apply = (state: BreakerRecord["state"]) => {
    record = { state, since: Date.now(), by };
    paymentsBreakerOpenGauge.set(STATE_VALUE[state]);
    clearInterval(refresh);
    refresh = undefined;
    if (state === "open") {
      refresh = setInterval(write, opts.refreshEveryMs ?? OPEN_STATE_TTL_MS / 3);
      refresh.unref();
    }
    void write();
  };

  const unsubscribe = breaker.onStateChange(({ to }) => apply(to));
  apply(breaker.state);
  return {
    flush: () => pending,
    stop() {
      unsubscribe();
      clearInterval(refresh);
    },
  };
}
