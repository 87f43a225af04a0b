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

/** A storefront instance registered on the fake etcd. */
const registered = (etcd: ReturnType<typeof fakeEtcd>, n: number, ready: boolean) =>
  register({
    endpoints: [],
    prefix: "/test/",
    client: etcd.client,
    instance: { service: "storefront", instanceId: `storefront-${n}`, address: `127.0.0.1:${n}`, version: "v1", region: "eu", ready },
  });

describe("a registration's readiness", () => {
  it("says what etcd holds: a publish that failed leaves the record as it was, so the next attempt publishes", async () => {
    const etcd = fakeEtcd();
    const reg = await registered(etcd, 1, false);
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

describe("a registration's drain", () => {
  it("publishes not ready, then waits past drainMs for the calls still in flight before revoking its lease", async () => {
    const etcd = fakeEtcd();
    const { callStarted, callsInFlight } = await import("./drain.ts");
    const reg = await registered(etcd, 1, true);
    const end = callStarted();
    expect(callsInFlight()).toBe(1);
    const started = Date.now();
    setTimeout(end, 400);
    await reg.deregister({ drainMs: 50, busy: callsInFlight });
    // Not ready went out first; the lease went only once the call had finished.
    expect(JSON.parse(etcd.written.at(-1)!)).toMatchObject({ ready: false, draining: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(callsInFlight()).toBe(0);
    end(); // a second end does not go below zero
    expect(callsInFlight()).toBe(0);
  });

  it("marks a not-ready instance draining too, and leaves at once when it handles nothing", async () => {
    const etcd = fakeEtcd();
    const reg = await registered(etcd, 3, false);
    const started = Date.now();
    await reg.deregister({ drainMs: 5_000, busy: () => 0 });
    // A load balancer failing open (no instance ready) must not route it while it goes.
    expect(JSON.parse(etcd.written.at(-1)!)).toMatchObject({ ready: false, draining: true });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("gives up waiting after maxDrainMs: a call that never ends does not keep the process alive", async () => {
    const etcd = fakeEtcd();
    const reg = await registered(etcd, 2, true);
    const started = Date.now();
    await reg.deregister({ drainMs: 50, busy: () => 1, maxDrainMs: 300 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(2_000);
  });
});
