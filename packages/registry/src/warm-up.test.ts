import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { withWarmUp } from "./warm-up.ts";

let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A server that answers slowly and counts the calls per path. */
async function countingServer(delayMs: number) {
  const hits = new Map<string, number>();
  server = createServer((req, res) => {
    hits.set(req.url ?? "", (hits.get(req.url ?? "") ?? 0) + 1);
    setTimeout(() => res.end("ok"), delayMs);
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return { hits, base: `http://127.0.0.1:${(server!.address() as AddressInfo).port}` };
}

describe("warm-up before readiness", () => {
  it("reports ready only after each path was served three times, and warms once", async () => {
    const { hits, base } = await countingServer(20);
    const lines: string[] = [];
    let readyz = false;
    const probe = withWarmUp(async () => readyz, base, ["/", "/api/trpc/catalog.home"], (l) => lines.push(l));
    expect(await probe()).toBe(false);
    expect(hits.size).toBe(0);
    readyz = true;
    expect(await probe()).toBe(true);
    expect(Object.fromEntries(hits)).toEqual({ "/": 3, "/api/trpc/catalog.home": 3 });
    expect(await probe()).toBe(true);
    expect(hits.get("/")).toBe(3);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warmed up \/, \/api\/trpc\/catalog.home in \d+ ms$/);
  });

  it("a probe that gives up while warming does not start a second warm-up", async () => {
    const { hits, base } = await countingServer(100);
    const probe = withWarmUp(async () => true, base, ["/"], () => {});
    const first = probe();
    const second = probe();
    expect(await Promise.all([first, second])).toEqual([true, true]);
    expect(hits.get("/")).toBe(3);
  });

  it("without paths it is the probe itself; an unreachable server still ends the warm-up", async () => {
    let calls = 0;
    expect(await withWarmUp(async () => (calls++, false), "http://127.0.0.1:1", [])()).toBe(false);
    expect(calls).toBe(1);
    expect(await withWarmUp(async () => true, "http://127.0.0.1:1", ["/"], () => {})()).toBe(true);
  });
});
