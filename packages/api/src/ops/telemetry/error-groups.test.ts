import { describe, expect, it } from "vitest";
import { groupErrorLines, groupFailedTraces, messageShape } from "./error-groups.ts";
import type { LogLine, TraceSummary } from "./telemetry.schema.ts";

const line = (timeMs: number, service: string, msg: string, traceId: string | null): LogLine => ({
  timeMs,
  service,
  level: "error",
  msg,
  traceId,
  spanId: null,
  attributes: {},
});

describe("error view grouping", () => {
  it("masks ids, hashes and numbers so one failure with different ids is one group", () => {
    expect(messageShape("order 1f0c2b7e-9a1d-4c3e-8f2a-0b1c2d3e4f5a failed after 3 attempts")).toBe(
      "order <id> failed after <n> attempts",
    );
    expect(messageShape("trace 4bf92f3577b34da6a3ce929d0e0e4736 lost")).toBe("trace <hex> lost");
  });

  it("counts each service's message shapes, newest example and trace last, busiest first", () => {
    const groups = groupErrorLines([
      line(3, "api", "order 2a0c2b7e-9a1d-4c3e-8f2a-0b1c2d3e4f5a failed", "t3"),
      line(1, "api", "order 1f0c2b7e-9a1d-4c3e-8f2a-0b1c2d3e4f5a failed", "t1"),
      line(2, "workers", "order 1f0c2b7e-9a1d-4c3e-8f2a-0b1c2d3e4f5a failed", null),
      line(4, "api", "order 3a0c2b7e-9a1d-4c3e-8f2a-0b1c2d3e4f5a failed", null),
    ]);
    expect(groups).toHaveLength(2);
    expect(groups[0]).toMatchObject({
      service: "api",
      shape: "order <id> failed",
      count: 3,
      firstMs: 1,
      lastMs: 4,
      example: "order 3a0c2b7e-9a1d-4c3e-8f2a-0b1c2d3e4f5a failed",
      // the newest line had no trace: the group still links the newest one that did
      latestTraceId: "t3",
    });
    expect(groups[1]).toMatchObject({ service: "workers", count: 1, latestTraceId: null });
  });

  it("groups failed traces by root service and span", () => {
    const trace = (startMs: number, traceId: string, rootName: string): TraceSummary => ({
      traceId,
      rootName,
      rootService: "storefront",
      startMs,
      durationMs: 5,
      spanCount: 3,
      services: ["storefront"],
      error: true,
    });
    const groups = groupFailedTraces([
      trace(2, "b", "checkout.place"),
      trace(1, "a", "checkout.place"),
      trace(3, "c", "cart.add"),
    ]);
    expect(groups.map((g) => [g.rootName, g.count, g.latestTraceId])).toEqual([
      ["checkout.place", 2, "b"],
      ["cart.add", 1, "c"],
    ]);
  });
});
