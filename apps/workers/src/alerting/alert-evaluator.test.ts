/**
 * A pending alert's `for:` progress across leadership terms of the same process (Prometheus'
 * ALERTS_FOR_STATE restoration): core's tables are replaced by memory here; the int test runs the
 * evaluator against the real ones.
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { alertRules, DEFAULT_THRESHOLDS, type Sample, type Transition } from "@agora/alerting";

const recorded: Transition[] = [];
vi.mock("@agora/api/alerts", () => ({
  loadFiringAlerts: async () => new Map(),
  activeSilences: async () => [],
  pruneSliMinutes: async () => undefined,
  readSliWindows: async () => new Map(),
  recordSliIncrease: async () => undefined,
  recordEvaluation: async (r: { transitions: Transition[] }) => void recorded.push(...r.transitions),
}));

const { AlertEvaluator, PENDING_OUTAGE_TOLERANCE_MS } = await import("./alert-evaluator.ts");

const FOR_MS = 60_000;
const breakerOpen: Sample = {
  name: "agora_resilience_breaker_state",
  labels: { service: "workers-payments", breaker: "payment-provider" },
  value: 2,
};

function evaluator(clock: { now: number }) {
  let leader = true;
  const e = new AlertEvaluator({
    rules: alertRules({ ...DEFAULT_THRESHOLDS, breakerOpenForMs: FOR_MS }),
    signals: async () => [breakerOpen],
    isLeader: () => leader,
    now: () => clock.now,
  });
  return {
    e,
    lose() {
      leader = false;
      e.lose();
    },
    lead() {
      leader = true;
      e.lead();
    },
  };
}

const fired = () => recorded.filter((t) => t.kind === "firing").map((t) => t.alert.labels.alertname);

beforeEach(() => {
  recorded.length = 0;
});

describe("alert evaluator across leadership terms", () => {
  it("continues a pending alert when the same process leads again soon: a flapping lease does not hold off the page", async () => {
    const clock = { now: 1_000_000 };
    const x = evaluator(clock);
    await x.e.evaluate(); // pending since t0
    for (const dt of [15_000, 15_000, 15_000]) {
      clock.now += dt;
      x.lose(); // the lease lapses between evaluations …
      x.lead(); // … and is won back
      await x.e.evaluate();
    }
    expect(fired()).toEqual([]); // 45 s of a 60 s `for:`
    clock.now += 15_000;
    await x.e.evaluate();
    expect(fired()).toEqual(["CircuitBreakerOpen"]);
  });

  it("starts over after an outage longer than the tolerance", async () => {
    const clock = { now: 1_000_000 };
    const x = evaluator(clock);
    await x.e.evaluate();
    x.lose();
    clock.now += PENDING_OUTAGE_TOLERANCE_MS + 1;
    x.lead();
    await x.e.evaluate(); // pending again, from now
    clock.now += FOR_MS - 1;
    await x.e.evaluate();
    expect(fired()).toEqual([]);
    clock.now += 1;
    await x.e.evaluate();
    expect(fired()).toEqual(["CircuitBreakerOpen"]);
  });
});

describe("an evaluation that hangs", () => {
  it("is abandoned with the step it hung in, writes nothing if it resumes, and the next evaluation pages", async () => {
    const clock = { now: 1_000_000 };
    let release: (s: Sample[]) => void = () => {};
    let hang = true;
    const e = new AlertEvaluator({
      rules: alertRules({ ...DEFAULT_THRESHOLDS, breakerOpenForMs: 0 }),
      signals: () => (hang ? new Promise<Sample[]>((r) => (release = r)) : Promise.resolve([breakerOpen])),
      isLeader: () => true,
      now: () => clock.now,
    });
    const stuck = e.evaluate();
    await new Promise((r) => setTimeout(r, 10));
    expect(e.abandon()).toBe("gathering samples (scrapes, queues, probes)");
    hang = false;
    clock.now += 15_000;
    const next = await e.evaluate();
    expect(next?.firing).toBe(1);
    expect(fired()).toEqual(["CircuitBreakerOpen"]);
    // The abandoned one resumes late: it must not record anything (its view is stale).
    release([breakerOpen]);
    expect(await stuck).toBeUndefined();
    expect(fired()).toEqual(["CircuitBreakerOpen"]);
  });
});
