import { describe, expect, it, vi } from "vitest";
import { createLogShipper, toOtlpLogRecord } from "./log-shipper.ts";

const line = (msg: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ level: "info", time: "2026-01-01T00:00:00.000Z", service: "s", msg, ...extra })}\n`;

describe("log shipper", () => {
  it("turns a pino line into an OTLP record carrying its trace and span ids", () => {
    const rec = toOtlpLogRecord(
      line("order placed", { trace_id: "a".repeat(32), span_id: "b".repeat(16), orderId: "o-1" }),
    );
    expect(rec).toMatchObject({
      severityText: "info",
      body: { stringValue: "order placed" },
      traceId: "a".repeat(32),
      spanId: "b".repeat(16),
      attributes: [{ key: "orderId", value: { stringValue: "o-1" } }],
    });
  });

  it("sends buffered lines in one OTLP request with the service as a resource attribute", async () => {
    const bodies: unknown[] = [];
    const shipper = createLogShipper({
      url: "http://collector/v1/logs",
      service: "workers-sagas",
      fetch: (_url, init) => {
        bodies.push(JSON.parse(String(init?.body)));
        return Promise.resolve(new Response("{}", { status: 200 }));
      },
    });
    shipper.write(line("one"));
    shipper.write(line("two"));
    await shipper.close();
    expect(bodies).toHaveLength(1);
    expect(JSON.stringify(bodies[0])).toContain("workers-sagas");
    expect(JSON.stringify(bodies[0])).toContain('"two"');
  });

  it("ships a written line within flushEveryMs, and keeps no timer while nothing waits to be sent", async () => {
    vi.useFakeTimers();
    try {
      const bodies: string[] = [];
      const shipper = createLogShipper({
        url: "http://collector/v1/logs",
        service: "workers-analytics",
        flushEveryMs: 1_000,
        fetch: (_url, init) => {
          bodies.push(String(init?.body));
          return Promise.resolve(new Response("{}", { status: 200 }));
        },
      });
      expect(vi.getTimerCount()).toBe(0);
      shipper.write(line("first"));
      shipper.write(line("second"));
      expect(bodies).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(bodies).toHaveLength(1);
      expect(bodies[0]).toContain('"second"');
      expect(vi.getTimerCount()).toBe(0);
      shipper.write(line("later"));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(bodies).toHaveLength(2);
      await shipper.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it("sends the collector's ingest token with every batch", async () => {
    const sent: Headers[] = [];
    const shipper = createLogShipper({
      url: "http://collector/v1/logs",
      service: "s",
      headers: { authorization: "Bearer ingest-token" },
      fetch: (_url, init) => {
        sent.push(new Headers(init?.headers));
        return Promise.resolve(new Response("{}", { status: 200 }));
      },
    });
    shipper.write(line("one"));
    await shipper.close();
    expect(sent[0]?.get("authorization")).toBe("Bearer ingest-token");
  });

  it("keeps at most maxBuffered lines and never throws while the collector is down", async () => {
    const shipper = createLogShipper({
      url: "http://collector/v1/logs",
      service: "s",
      maxBuffered: 10,
      batchSize: 1_000,
      fetch: () => Promise.reject(new Error("ECONNREFUSED")),
    });
    for (let i = 0; i < 25; i++) shipper.write(line(`l${i}`));
    expect(shipper.buffered).toBe(10);
    expect(shipper.dropped).toBe(15);
    await expect(shipper.close()).resolves.toBeUndefined();
    expect(shipper.dropped).toBe(25);
  });
});
