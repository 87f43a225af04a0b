import { describe, expect, it } from "vitest";
import type { BreakerState, StateChange } from "@agora/resilience";
import { combineBreakers, combinedState, type BreakerView } from "./combined-breaker.ts";

function fakeBreaker(initial: BreakerState) {
  let state = initial;
  const listeners = new Set<(c: StateChange) => void>();
  const view: BreakerView = {
    get state() {
      return state;
    },
    onStateChange(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  const set = (to: BreakerState) => {
    const from = state;
    state = to;
    for (const l of listeners) l({ breaker: "x", from, to });
  };
  return { view, set };
}

describe("combined payment availability", () => {
  it("is open only when every provider is open", () => {
    expect(combinedState(["open", "open"])).toBe("open");
    expect(combinedState(["open", "closed"])).toBe("closed");
    expect(combinedState(["open", "half-open"])).toBe("half-open");
    expect(combinedState([])).toBe("open");
  });

  it("tells its listener only when the combined state changes", () => {
    const a = fakeBreaker("closed");
    const b = fakeBreaker("closed");
    const seen: string[] = [];
    const stop = combineBreakers("payments", [a.view, b.view]).onStateChange((c) =>
      seen.push(`${c.from}>${c.to}`),
    );
    a.set("open");
    b.set("open");
    b.set("half-open");
    b.set("closed");
    stop();
    a.set("closed");
    expect(seen).toEqual(["closed>open", "open>half-open", "half-open>closed"]);
  });
});
