import { AsyncLocalStorage } from "node:async_hooks";
import {
  context,
  ROOT_CONTEXT,
  trace,
  type Context,
  type ContextManager,
} from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bindTenant, bindUser, createLogger, REDACTED } from "./logger.ts";
import { newTraceContext, withTraceContext } from "./trace-context.ts";

/** Minimal stand-in for the SDK's context manager, so an OTel span context can be active. */
class TestContextManager implements ContextManager {
  private readonly als = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.als.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.als.run(ctx, () => fn.call(thisArg, ...args));
  }
  bind<T>(_ctx: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.als.disable();
    return this;
  }
}

function captured(level: "info" | "debug" = "info") {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: "test-svc",
    level,
    destination: {
      write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
    },
  });
  return { logger, lines };
}

beforeAll(() => {
  context.setGlobalContextManager(new TestContextManager());
});
afterAll(() => {
  context.disable();
});

describe("createLogger", () => {
  it("writes JSON lines with service, pid, ISO time and a level name", () => {
    const { logger, lines } = captured();
    logger.info({ orderId: "o-1" }, "order placed");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: "test-svc",
      pid: process.pid,
      level: "info",
      msg: "order placed",
      orderId: "o-1",
    });
    expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time);
    expect(lines[0]).not.toHaveProperty("trace_id");
  });

  it("puts the active OTel span's trace and span id on every line, child loggers included", () => {
    const { logger, lines } = captured();
    const span = {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: 1,
    };
    context.with(trace.setSpanContext(ROOT_CONTEXT, span), () => {
      logger.info("one");
      logger.warn("two");
      bindTenant(logger, "vendor-7").error("three");
    });
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatchObject({ trace_id: span.traceId, span_id: span.spanId });
    }
  });

  it("falls back to withTraceContext ids when no OTel span is active", async () => {
    const { logger, lines } = captured();
    const ctx = newTraceContext();
    await withTraceContext(ctx, async () => {
      await Promise.resolve();
      logger.info("in a job");
    });
    logger.info("outside");
    expect(lines[0]).toMatchObject({ trace_id: ctx.traceId, span_id: ctx.spanId });
    expect(lines[1]).not.toHaveProperty("trace_id");
  });

  it("redacts passwords, authorization, cookies, card numbers and emails", () => {
    const { logger, lines } = captured();
    logger.info(
      {
        password: "hunter2",
        input: { password: "hunter2", email: "a@b.c" },
        req: { headers: { authorization: "Bearer abc", cookie: "sid=1" } },
        card: { number: "4242424242424242", brand: "visa" },
        email: "a@b.c",
      },
      "sign-in",
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ["hunter2", "Bearer abc", "sid=1", "4242424242424242", "a@b.c"]) {
      expect(line).not.toContain(secret);
    }
    expect(lines[0]).toMatchObject({
      password: REDACTED,
      input: { password: REDACTED, email: REDACTED },
      req: { headers: { authorization: REDACTED, cookie: REDACTED } },
      card: { number: REDACTED, brand: "visa" },
    });
  });

  it("binds tenant and user onto every line of a child logger", () => {
    const { logger, lines } = captured();
    bindUser(bindTenant(logger, "vendor-7"), "user-42").info("stock adjusted");
    expect(lines[0]).toMatchObject({ tenant: "vendor-7", user: "user-42" });
  });
});
