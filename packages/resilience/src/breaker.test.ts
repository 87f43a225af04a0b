import { afterEach, describe, expect, it, vi } from "vitest";
import {
  breakers,
  createCircuitBreaker,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type StateChange,
} from "./breaker.ts";
import { CircuitOpenError, TimeoutError } from "./errors.ts";
import { resilienceMetrics } from "./metrics.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class Transient extends Error {
  readonly retryable = true;
}

let created: CircuitBreaker[] = [];
let seq = 0;
function breaker(opts: Partial<CircuitBreakerOptions> = {}): CircuitBreaker {
  const b = createCircuitBreaker(`test-${++seq}`, {
    trip: { kind: "consecutive", failures: 3 },
    halfOpenAfterMs: 50,
    timeoutMs: 1000,
    retry: { maxAttempts: 1 },
    ...opts,
  });
  created.push(b);
  return b;
}

async function stateGauge(name: string): Promise<number | undefined> {
  const metric = await resilienceMetrics.getSingleMetric("resilience_breaker_state")?.get();
  return metric?.values.find((v) => v.labels.breaker === name)?.value;
}

afterEach(() => {
  for (const b of created) b.dispose();
  created = [];
});

describe("createCircuitBreaker", () => {
  it("opens after N consecutive failures and then rejects fast without calling the function", async () => {
    const b = breaker();
    const failing = vi.fn(async () => {
      throw new Error("boom");
    });
    for (let i = 0; i < 3; i++) await expect(b.execute(failing)).rejects.toThrow("boom");
    expect(b.state).toBe("open");
    expect(await stateGauge(b.name)).toBe(2);

    const fn = vi.fn(async () => "never");
    const err = await b.execute(fn).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CircuitOpenError);
    expect(err).toMatchObject({ code: "CIRCUIT_OPEN", retryable: false, breaker: b.name });
    expect((err as CircuitOpenError).retryAfterMs).toBeGreaterThan(0);
    expect((err as CircuitOpenError).retryAfterMs).toBeLessThanOrEqual(50);
    expect(fn).not.toHaveBeenCalled();
    expect(b.snapshot().counters).toMatchObject({ failures: 3, rejections: 1, successes: 0 });
  });

  it("half-opens after the cooldown, lets one probe through and closes on its success", async () => {
    const b = breaker({ trip: { kind: "consecutive", failures: 1 } });
    const changes: StateChange[] = [];
    b.onStateChange((c) => changes.push(c));
    await expect(b.execute(() => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(b.state).toBe("open");

    await sleep(60);
    const probe = vi.fn(async () => "ok");
    await expect(b.execute(probe)).resolves.toBe("ok");
    expect(probe).toHaveBeenCalledTimes(1);
    expect(b.state).toBe("closed");
    expect(await stateGauge(b.name)).toBe(0);
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual([
      "closed->open",
      "open->half-open",
      "half-open->closed",
    ]);
  });

  it("re-opens when the half-open probe fails", async () => {
    const b = breaker({ trip: { kind: "consecutive", failures: 1 } });
    await expect(b.execute(() => Promise.reject(new Error("down")))).rejects.toThrow("down");
    await sleep(60);
    await expect(b.execute(() => Promise.reject(new Error("still down")))).rejects.toThrow(
      "still down",
    );
    expect(b.state).toBe("open");
    await expect(b.execute(async () => "x")).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it("times an attempt out, aborts its signal and counts the timeout as a failure", async () => {
    const b = breaker({ timeoutMs: 20, trip: { kind: "consecutive", failures: 2 } });
    const signals: AbortSignal[] = [];
    const hang = ({ signal }: { signal: AbortSignal }) => {
      signals.push(signal);
      return new Promise<never>(() => {});
    };
    const err = await b.execute(hang).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err).toMatchObject({ code: "TIMEOUT", timeoutMs: 20 });
    expect(signals[0]?.aborted).toBe(true);
    expect(b.state).toBe("closed");

    await expect(b.execute(hang)).rejects.toBeInstanceOf(TimeoutError);
    expect(b.state).toBe("open");
    expect(b.snapshot().counters.timeouts).toBe(2);
  });

  it("retries a retryable error exactly maxAttempts - 1 times, then gives up", async () => {
    const b = breaker({
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 },
      trip: { kind: "consecutive", failures: 10 },
    });
    const attempts: number[] = [];
    const fn = vi.fn(async ({ attempt }: { attempt: number }) => {
      attempts.push(attempt);
      throw new Transient("flaky");
    });
    await expect(b.execute(fn)).rejects.toThrow("flaky");
    expect(fn).toHaveBeenCalledTimes(3);
    expect(attempts).toEqual([0, 1, 2]);
    expect(b.snapshot().counters).toMatchObject({ retries: 2, failures: 1 });
  });

  it("succeeds on a later attempt when a retryable error goes away", async () => {
    const b = breaker({ retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5 } });
    const fn = vi
      .fn<() => Promise<string>>()
      .mockRejectedValueOnce(Object.assign(new Error("reset"), { code: "ECONNRESET" }))
      .mockResolvedValueOnce("ok");
    await expect(b.execute(fn)).resolves.toBe("ok");
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("does not retry errors that are not retryable", async () => {
    const b = breaker({ retry: { maxAttempts: 5, initialDelayMs: 1 } });
    const plain = vi.fn(async () => {
      throw new Error("bug");
    });
    await expect(b.execute(plain)).rejects.toThrow("bug");
    expect(plain).toHaveBeenCalledTimes(1);

    const optedOut = vi.fn(async () => {
      throw Object.assign(new Error("declined"), { retryable: false, code: "ECONNRESET" });
    });
    await expect(b.execute(optedOut)).rejects.toThrow("declined");
    expect(optedOut).toHaveBeenCalledTimes(1);
  });

  it("stops retrying as soon as the circuit opens", async () => {
    const b = breaker({
      retry: { maxAttempts: 5, initialDelayMs: 1, maxDelayMs: 5 },
      trip: { kind: "consecutive", failures: 2 },
    });
    const fn = vi.fn(async () => {
      throw new Transient("down");
    });
    await expect(b.execute(fn)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("does not count errors excluded by isFailure against the dependency", async () => {
    const b = breaker({
      trip: { kind: "consecutive", failures: 1 },
      isFailure: (e) => e.message !== "card declined",
    });
    await expect(b.execute(() => Promise.reject(new Error("card declined")))).rejects.toThrow(
      "card declined",
    );
    expect(b.state).toBe("closed");
  });

  it("does not count a cancellation by the caller as a failure", async () => {
    const b = breaker({ trip: { kind: "consecutive", failures: 1 } });
    const ctrl = new AbortController();
    const call = b.execute(
      ({ signal }) =>
        new Promise<never>((_, reject) =>
          signal.addEventListener("abort", () => reject(new Error("aborted"))),
        ),
      {
        signal: ctrl.signal,
      },
    );
    ctrl.abort();
    await expect(call).rejects.toThrow("cancelled by the caller");
    expect(b.state).toBe("closed");
    expect(b.snapshot().counters).toMatchObject({ failures: 0, cancellations: 1 });
  });

  it("opens a sampling breaker when the failure ratio is exceeded", async () => {
    const b = breaker({
      trip: { kind: "sampling", failureRatio: 0.5, windowMs: 1000, minimumRps: 1 },
    });
    for (let i = 0; i < 10 && b.state === "closed"; i++) {
      await b.execute(() => Promise.reject(new Error("x"))).catch(() => "expected failure");
    }
    expect(b.state).toBe("open");
  });

  it("lists every breaker with its state and counters, and refuses duplicate names", async () => {
    const a = breaker();
    const c = breaker({ trip: { kind: "consecutive", failures: 1 } });
    await a.execute(async () => 1);
    await c.execute(() => Promise.reject(new Error("x"))).catch(() => "expected failure");
    const listed = breakers().filter((s) => s.name === a.name || s.name === c.name);
    expect(listed).toEqual([
      {
        name: a.name,
        state: "closed",
        retryAfterMs: 0,
        counters: {
          successes: 1,
          failures: 0,
          timeouts: 0,
          rejections: 0,
          retries: 0,
          cancellations: 0,
        },
      },
      expect.objectContaining({
        name: c.name,
        state: "open",
        counters: expect.objectContaining({ failures: 1 }),
      }),
    ]);
    expect(() =>
      createCircuitBreaker(a.name, {
        trip: { kind: "consecutive", failures: 1 },
        halfOpenAfterMs: 1,
        timeoutMs: 1,
      }),
    ).toThrow(/already exists/);
  });
});
