import { afterEach, describe, expect, it, vi } from "vitest";
import { bulkheads, createBulkhead, type Bulkhead } from "./bulkhead.ts";
import { BulkheadRejectedError } from "./errors.ts";
import { resilienceMetrics } from "./metrics.ts";

let created: Bulkhead[] = [];
afterEach(() => {
  for (const b of created) b.dispose();
  created = [];
});

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

describe("createBulkhead", () => {
  it("runs maxConcurrent calls, queues maxQueue more and rejects the rest without running them", async () => {
    const b = createBulkhead("test-bulkhead-capacity", { maxConcurrent: 2, maxQueue: 1 });
    created.push(b);
    const g = gate();
    const running = vi.fn(async () => {
      await g.opened;
      return "done";
    });
    const accepted = [b.execute(running), b.execute(running), b.execute(running)];
    await Promise.resolve();
    expect(running).toHaveBeenCalledTimes(2);

    const overflow = vi.fn(async () => "never");
    const err = await b.execute(overflow).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkheadRejectedError);
    expect(err).toMatchObject({ code: "BULKHEAD_FULL", retryable: false, bulkhead: b.name });
    expect(overflow).not.toHaveBeenCalled();
    expect(b.snapshot()).toEqual({
      name: b.name,
      maxConcurrent: 2,
      maxQueue: 1,
      inFlight: 2,
      queued: 1,
      rejections: 1,
    });
    expect(bulkheads().map((s) => s.name)).toContain(b.name);

    const inFlight = await resilienceMetrics
      .getSingleMetric("resilience_bulkhead_in_flight")
      ?.get();
    expect(inFlight?.values.find((v) => v.labels.bulkhead === b.name)?.value).toBe(2);
    const rejections = await resilienceMetrics
      .getSingleMetric("resilience_bulkhead_rejections_total")
      ?.get();
    expect(rejections?.values.find((v) => v.labels.bulkhead === b.name)?.value).toBe(1);

    g.open();
    await expect(Promise.all(accepted)).resolves.toEqual(["done", "done", "done"]);
    expect(running).toHaveBeenCalledTimes(3);
    expect(b.snapshot()).toMatchObject({ inFlight: 0, queued: 0 });
  });

  it("rejects at once with no queue configured", async () => {
    const b = createBulkhead("test-bulkhead-no-queue", { maxConcurrent: 1 });
    created.push(b);
    const g = gate();
    const first = b.execute(() => g.opened);
    await expect(b.execute(async () => "second")).rejects.toBeInstanceOf(BulkheadRejectedError);
    g.open();
    await first;
    await expect(b.execute(async () => "third")).resolves.toBe("third");
  });
});
