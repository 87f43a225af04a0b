/**
 * "Can Agora take a payment at all?" as one breaker-like state over every provider's breaker: open
 * only when every provider is open (then the API refuses checkouts at once), closed while any
 * provider is closed, half-open otherwise. The saga fails over by itself while one provider is
 * down, so one provider's outage must not turn shoppers away.
 */
import type { BreakerState, CircuitBreaker, StateChange } from "@agora/resilience";

export type BreakerView = Pick<CircuitBreaker, "state" | "onStateChange">;

export function combinedState(states: readonly BreakerState[]): BreakerState {
  if (states.length === 0 || states.every((s) => s === "open")) return "open";
  if (states.some((s) => s === "closed")) return "closed";
  return "half-open";
}

export function combineBreakers(name: string, breakers: readonly BreakerView[]): BreakerView {
  const current = () => combinedState(breakers.map((b) => b.state));
  return {
    get state() {
      return current();
    },
    onStateChange(listener: (change: StateChange) => void) {
      let last = current();
      const unsubscribe = breakers.map((b) =>
        b.onStateChange(() => {
          const now = current();
          if (now === last) return;
          const from = last;
          last = now;
          listener({ breaker: name, from, to: now });
        }),
      );
      return () => {
        for (const u of unsubscribe) u();
      };
    },
  };
}
