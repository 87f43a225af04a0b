import { describe, expect, it } from "vitest";
import {
  childOf,
  continueTrace,
  currentTraceContext,
  extractFromJobData,
  formatTraceparent,
  injectIntoJobData,
  JOB_TRACE_KEY,
  newTraceContext,
  parseTraceparent,
  withRequestTrace,
  withTraceContext,
} from "./trace-context.ts";

const VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("traceparent", () => {
  it("parses a valid header and formats it back to the same string", () => {
    const ctx = parseTraceparent(VALID);
    expect(ctx).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: 1,
    });
    expect(formatTraceparent(ctx!)).toBe(VALID);
  });

  it("round-trips a freshly generated context", () => {
    const ctx = newTraceContext();
    expect(ctx.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ctx.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(parseTraceparent(formatTraceparent(ctx))).toEqual(ctx);
  });

  it.each([
    ["all-zero trace id", "00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
    ["all-zero span id", "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],
    ["unsupported version", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["forbidden version ff", "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["uppercase hex", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"],
    ["short trace id", "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01"],
    ["long span id", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7a-01"],
    ["non-hex characters", "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01"],
    ["trailing field on version 00", `${VALID}-extra`],
    ["missing flags", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"],
    ["empty string", ""],
    ["garbage", "not a traceparent"],
  ])("rejects %s with undefined instead of throwing", (_label, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it("rejects missing headers and repeated headers", () => {
    expect(parseTraceparent(undefined)).toBeUndefined();
    expect(parseTraceparent(null)).toBeUndefined();
    expect(parseTraceparent([VALID, VALID])).toBeUndefined();
    expect(parseTraceparent([VALID])).toBeDefined();
  });

  it("keeps the trace id and flags but makes a new span id for a child", () => {
    const parent = newTraceContext(false);
    const child = childOf(parent);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.traceFlags).toBe(0);
    expect(child.spanId).not.toBe(parent.spanId);
    expect(continueTrace(undefined).traceId).not.toBe(parent.traceId);
    expect(continueTrace(parent).traceId).toBe(parent.traceId);
  });
});

describe("trace context in BullMQ job data", () => {
  it("round-trips through JSON job data without touching the job's own fields", () => {
    const ctx = newTraceContext();
    const data = { orderId: "o-1", lines: [{ sku: "a", qty: 2 }] };
    const injected = injectIntoJobData(data, ctx);
    expect(data).not.toHaveProperty(JOB_TRACE_KEY);
    const overTheWire: unknown = JSON.parse(JSON.stringify(injected));
    expect(extractFromJobData(overTheWire)).toEqual(ctx);
    expect(overTheWire).toMatchObject(data);
  });

  it("extracts nothing from job data without a valid carrier", () => {
    expect(extractFromJobData({ orderId: "o-1" })).toBeUndefined();
    expect(extractFromJobData(null)).toBeUndefined();
    expect(extractFromJobData("string job")).toBeUndefined();
    expect(extractFromJobData({ [JOB_TRACE_KEY]: "x" })).toBeUndefined();
    expect(extractFromJobData({ [JOB_TRACE_KEY]: { traceparent: "00-bad" } })).toBeUndefined();
  });
});

describe("withTraceContext", () => {
  it("makes the context current across awaits and only inside the callback", async () => {
    const ctx = newTraceContext();
    expect(currentTraceContext()).toBeUndefined();
    const seen = await withTraceContext(ctx, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentTraceContext();
    });
    expect(seen).toEqual(ctx);
    expect(currentTraceContext()).toBeUndefined();
  });
});

describe("withRequestTrace", () => {
  it("continues the caller's traceparent, or starts a trace of its own without one", () => {
    const parent = parseTraceparent(VALID)!;
    const continued = withRequestTrace(new Headers({ traceparent: VALID }), currentTraceContext);
    expect(continued?.traceId).toBe(parent.traceId);
    expect(continued?.spanId).not.toBe(parent.spanId);

    const fresh = withRequestTrace(new Headers({ traceparent: "00-bad" }), currentTraceContext);
    expect(fresh?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(fresh?.traceId).not.toBe(parent.traceId);
  });

  it("keeps the trace already in effect", () => {
    const outer = newTraceContext();
    const seen = withTraceContext(outer, () =>
      withRequestTrace(new Headers({ traceparent: VALID }), currentTraceContext),
    );
    expect(seen).toEqual(outer);
  });
});
