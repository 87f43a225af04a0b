import { EventEmitter } from "node:events";
import type { Etcd3 } from "etcd3";
import { describe, expect, it } from "vitest";
import { register } from "./registration.ts";

/** An etcd client reduced to what a registration uses: one lease whose puts succeed or fail on demand. */
function fakeEtcd() {
  const written: string[] = [];
  let failPuts = false;
  const lease = Object.assign(new EventEmitter(), {
    put: () => ({
      value: async (v: string) => {
        if (failPuts) throw new Error("etcd unavailable");
        written.push(v);
      },
    }),
    revoke: async () => undefined,
  });
  const client = { lease: () => lease, close: () => undefined } as unknown as Etcd3;
  return {
    client,
    written,
    failing: (on: boolean) => {
      failPuts = on;
    },
  };
}

describe("a registration's readiness", () => {
  it("says what etcd holds: a publish that failed leaves the record as it was, so the next attempt publishes", async () => {
    const etcd = fakeEtcd();
    const reg = await register({
      endpoints: [],
      prefix: "/test/",
      client: etcd.client,
      instance: { service: "storefront", instanceId: "storefront-1", address: "127.0.0.1:1", version: "v1", region: "eu", ready: false },
    });
    expect(reg.current().ready).toBe(false);

    etcd.failing(true);
    await expect(reg.setReady(true)).rejects.toThrow("etcd unavailable");
    // Not published, so not recorded: a caller comparing with current() tries again.
    expect(reg.current().ready).toBe(false);

    etcd.failing(false);
    await reg.setReady(true);
    expect(reg.current().ready).toBe(true);
    expect(JSON.parse(etcd.written.at(-1)!)).toMatchObject({ instanceId: "storefront-1", ready: true });
  });
});
