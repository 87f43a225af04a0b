import { describe, expect, it } from "vitest";
import { guardedRoute } from "./guarded-route.ts";
import { BodyTooLargeError } from "./refusals.ts";

const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

describe("guardedRoute", () => {
  it("answers an escaped error with a stable message and the request's trace id, never the cause's text", async () => {
    const handler = guardedRoute(async () => {
      throw Object.assign(
        new Error(
          "Invalid `prisma.importJob.create()` invocation: SQLSTATE 22021 at /srv/app.ts:1:1",
        ),
        { code: "P2000" },
      );
    });
    const res = await handler(
      new Request("http://127.0.0.1/api/imports", { headers: { traceparent: TRACEPARENT } }),
    );
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: string; traceId: string };
    expect(body.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(body.error).toContain(body.traceId);
    expect(JSON.stringify(body)).not.toMatch(/prisma|sqlstate|P2000|\.ts:/i);
  });

  it("refuses a cross-site POST with 403 before the handler runs", async () => {
    let ran = false;
    const handler = guardedRoute(async () => {
      ran = true;
      return new Response("ok");
    });
    const res = await handler(
      new Request("http://127.0.0.1/api/imports", {
        method: "POST",
        headers: { origin: "http://evil.example" },
      }),
    );
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/another site/);
    expect(ran).toBe(false);
  });

  it("answers a body reader's refusal with its own status", async () => {
    const handler = guardedRoute(async () => {
      throw new BodyTooLargeError(1024);
    });
    const res = await handler(new Request("http://127.0.0.1/api/imports", { method: "POST" }));
    expect(res.status).toBe(413);
  });
});
