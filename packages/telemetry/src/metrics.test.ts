import { Counter, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import {
  counter,
  errorClassName,
  exposeRegistry,
  gauge,
  histogram,
  mergeRegistries,
  metricsHandler,
  metricsRegistry,
  redMetrics,
} from "./metrics.ts";

class PaymentDeclinedError extends Error {}

async function counterValue(
  metricName: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const data = await metricsRegistry.getSingleMetric(metricName)?.get();
  return data?.values.find((v) =>
    Object.entries(labels).every(([k, value]) => v.labels[k] === value),
  )?.value;
}

describe("redMetrics", () => {
  it("records a success and an error with procedure, status and error class labels", async () => {
    const red = redMetrics("test_rpc");
    await expect(red.time("order.place", async () => "placed")).resolves.toBe("placed");
    await expect(
      red.time("order.place", () => {
        throw new PaymentDeclinedError("card declined");
      }),
    ).rejects.toBeInstanceOf(PaymentDeclinedError);

    const counts = (await red.requests.get()).values;
    expect(counts).toContainEqual(
      expect.objectContaining({ labels: { procedure: "order.place", status: "ok" }, value: 1 }),
    );
    expect(counts).toContainEqual(
      expect.objectContaining({
        labels: { procedure: "order.place", status: "error", error: "PaymentDeclinedError" },
        value: 1,
      }),
    );

    const hist = (await red.duration.get()).values;
    const histCount = (status: string) =>
      hist.find(
        (v) =>
          v.metricName === "agora_test_rpc_duration_seconds_count" &&
          v.labels.procedure === "order.place" &&
          v.labels.status === status,
      )?.value;
    expect(histCount("ok")).toBe(1);
    expect(histCount("error")).toBe(1);
  });

  it("names its metrics agora_<name>_duration_seconds and agora_<name>_requests_total", async () => {
    redMetrics("test_named");
    const { body } = await metricsHandler();
    expect(body).toContain("# TYPE agora_test_named_duration_seconds histogram");
    expect(body).toContain("# TYPE agora_test_named_requests_total counter");
  });

  it("returns the same underlying metrics when created twice (hot reload)", () => {
    const a = redMetrics("test_twice");
    const b = redMetrics("test_twice");
    expect(b.duration).toBe(a.duration);
    expect(b.requests).toBe(a.requests);
  });
});

describe("metric helpers", () => {
  it("registering the same metric twice returns the same metric instead of throwing", async () => {
    const first = counter({ name: "test_dedupe_total", help: "h", labelNames: ["x"] as const });
    const second = counter({ name: "test_dedupe_total", help: "h", labelNames: ["x"] as const });
    expect(second).toBe(first);
    first.inc({ x: "1" });
    second.inc({ x: "1" });
    expect(await counterValue("agora_test_dedupe_total", { x: "1" })).toBe(2);

    expect(gauge({ name: "test_dedupe_gauge", help: "h" })).toBe(
      gauge({ name: "test_dedupe_gauge", help: "h" }),
    );
    expect(histogram({ name: "test_dedupe_seconds", help: "h" })).toBe(
      histogram({ name: "test_dedupe_seconds", help: "h" }),
    );
  });

  it("refuses to reuse a name for a different metric type", () => {
    counter({ name: "test_conflict", help: "h" });
    expect(() => gauge({ name: "test_conflict", help: "h" })).toThrow(/different type/);
  });

  it("names the class of a thrown value", () => {
    expect(errorClassName(new PaymentDeclinedError())).toBe("PaymentDeclinedError");
    expect(errorClassName(new TypeError("x"))).toBe("TypeError");
    expect(errorClassName("a string")).toBe("NonError");
  });
});

describe("metricsHandler", () => {
  it("serves default process metrics with the agora_ prefix in Prometheus text format", async () => {
    const { contentType, body } = await metricsHandler();
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toContain("agora_process_cpu_user_seconds_total");
    expect(body).toContain("agora_nodejs_heap_size_used_bytes");
  });

  it("still reports event-loop delay (lag gauge and histogram percentiles) with the coarser sampling", async () => {
    const { body } = await metricsHandler();
    for (const name of [
      "agora_nodejs_eventloop_lag_seconds",
      "agora_nodejs_eventloop_lag_max_seconds",
      "agora_nodejs_eventloop_lag_p99_seconds",
    ])
      expect(body).toMatch(new RegExp(`^${name} \\d`, "m"));
  });

  it("includes exposed and passed registries from other packages", async () => {
    const resilienceLike = new Registry();
    new Counter({
      name: "resilience_test_calls_total",
      help: "h",
      registers: [resilienceLike],
    }).inc();
    const workersLike = new Registry();
    new Counter({ name: "workers_test_jobs_total", help: "h", registers: [workersLike] }).inc(3);

    exposeRegistry(resilienceLike);
    exposeRegistry(resilienceLike); // idempotent
    const { body } = await metricsHandler([workersLike]);
    expect(body).toContain("resilience_test_calls_total 1");
    expect(body).toContain("workers_test_jobs_total 3");
    expect(body).toContain("agora_process_cpu_user_seconds_total");
  });

  it("merges a registry listed twice only once", async () => {
    const r = new Registry();
    new Counter({ name: "test_merge_once_total", help: "h", registers: [r] });
    const merged = mergeRegistries([r, r]);
    expect(await merged.metrics()).toContain("test_merge_once_total");
  });
});
