import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IdentityPool } from "../identity.ts";
import { runHttpLoad } from "./http-load.ts";

describe("an HTTP load with clients told apart by source address", () => {
  const seen = new Map<string, number>();
  const server = createServer((req, res) => {
    const from = req.socket.remoteAddress ?? "?";
    seen.set(from, (seen.get(from) ?? 0) + 1);
    res.end("ok");
  });
  let url = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("reaches the server from a new loopback address every requestsPerClient requests", async () => {
    const identities = new IdentityPool("source-address");
    const r = await runHttpLoad({
      url,
      paths: ["/"],
      connections: 4,
      durationS: 5,
      maxRequests: 200,
      requestsPerClient: 10,
      nextClientHeaders: () => ({}),
      nextLocalAddress: identities.nextLocalAddress(),
    });
    expect(r.non2xx).toBe(0);
    expect(r.requests).toBeGreaterThanOrEqual(100);
    // 10 requests per client: a new address per 10 requests, none of them the bench's own
    // 127.0.0.1, and none served more than its share (a connection that never reconnected).
    expect(seen.has("127.0.0.1")).toBe(false);
    expect(seen.size).toBeGreaterThanOrEqual(Math.floor(r.requests / 10));
    expect(Math.max(...seen.values())).toBeLessThanOrEqual(10);
  });
});
