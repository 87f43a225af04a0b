import { describe, expect, it } from "vitest";
import { readyEndpoints } from "./registry-resolver.ts";

const member = (instanceId: string, port: number, ready: boolean) => ({
  service: "inventory",
  instanceId,
  address: `127.0.0.1:${port}`,
  version: "test",
  region: "eu",
  ready,
  registeredAt: "2026-12-05T08:00:00.000Z",
});

describe("readyEndpoints", () => {
  it("gives the channel the ready instances only, one endpoint each, in instance order", () => {
    expect(
      readyEndpoints([
        member("inventory-2", 7002, true),
        member("inventory-3", 7003, false),
        member("inventory-1", 7001, true),
      ]),
    ).toEqual([
      { addresses: [{ host: "127.0.0.1", port: 7001 }] },
      { addresses: [{ host: "127.0.0.1", port: 7002 }] },
    ]);
  });

  it("gives nothing when no instance is ready (the resolver then reports UNAVAILABLE)", () => {
    expect(readyEndpoints([member("inventory-1", 7001, false)])).toEqual([]);
    expect(readyEndpoints([])).toEqual([]);
  });
});
