/**
 * An active health check that feeds the payment breaker. A breaker only learns from calls; with no
 * checkout traffic a dead provider would look healthy until the next shopper paid and waited for
 * the timeouts. So every `everyMs` the watchdog makes one cheap read through the same breaker (the
 * provider's payment list for an order that cannot exist, which goes through the same faults as a
 * real payment call): a provider that is down opens the breaker within a few probes, the API
 * refuses checkouts at once, and once the provider is back the half-open probe closes it again.
 */
import { createLogger, PROBE_ORDER_ID, untraced } from "@agora/telemetry";
import type { PaymentGateway } from "./payment-gateway.ts";
import type { CircuitBreaker } from "@agora/resilience";

const log = createLogger({ service: "payments-watchdog" });

export interface ProviderWatchdog {
  /** Runs one probe now (used at start-up and by tests); never throws. */
  probe(): Promise<boolean>;
  stop(): void;
}

export function watchPaymentProvider(
  gateway: Pick<PaymentGateway, "listByOrder"> & { breaker: Pick<CircuitBreaker, "state"> },
  opts: { everyMs: number },
): ProviderWatchdog {
  let running = false;
  const probe = async (): Promise<boolean> => {
    // One probe at a time: a slow provider must not stack probes up behind each other.
    if (running) return false;
    running = true;
    try {
      // Not traced: one probe a second per provider, idle or not, was a client and a server span
      // each time; what it finds is in the breaker's state and metrics. The provider side knows the
      // probe by its order id (PROBE_ORDER_ID is incoming noise) and does not trace it either.
      await untraced(() => gateway.listByOrder(PROBE_ORDER_ID));
      return true;
    } catch (err) {
      // The breaker has counted the failure (or refused at once while open); that is the point.
      log.debug(
        { breaker: gateway.breaker.state, err: err instanceof Error ? err.message : String(err) },
        "payment provider probe failed",
      );
      return false;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void probe(), opts.everyMs);
  timer.unref();
  return { probe, stop: () => clearInterval(timer) };
}
