/**
 * The registry against the test topology's real etcd cluster: what an instance registers reaches
 * a watcher, readiness changes follow, a drain leaves before the key goes, and an instance that
 * stops renewing its lease (a crash, a freeze) disappears within the TTL.
 */
import { randomBytes } from "node:crypto";
import { etcdSchema, loadConfig } from "@agora/config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registryClient } from "./client.ts";
import { spawnStandIn } from "./testing/spawn-stand-in.ts";
import type { ServiceInstance } from "./record.ts";
import { register } from "./registration.ts";
import { type ServiceWatch, watchServices } from "./watch.ts";

const { etcd } = loadConfig({ etcd: etcdSchema });
// A namespace of its own per run: nothing else's instances, nothing left for the next run.
const prefix = `${etcd.AGORA_ETCD_PREFIX}registry-test-${randomBytes(4).toString("hex")}/`;
const endpoints = etcd.AGORA_ETCD_ENDPOINTS;

let watch: ServiceWatch;
const history: ServiceInstance[][] = [];

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(watch.members())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const instance = (id: string, port: number) => ({
  service: "storefront",
  instanceId: id,
  address: `127.0.0.1:${port}`,
  version: "test",
  region: "eu",
  ready: false,
});

beforeAll(async () => {
  watch = await watchServices({ endpoints, prefix, service: "storefront", onChange: (m) => history.push(m) });
});

afterAll(async () => {
  await watch.close();
  const client = registryClient(endpoints);
  await client.delete().prefix(prefix);
  client.close();
});

describe("service registry on etcd", () => {
  it("shows a registering instance to a watcher, then its readiness as it changes", async () => {
    const reg = await register({ endpoints, prefix, instance: instance("sf-a", 40001), ttlSeconds: 5 });
    const seen = await until("sf-a registered", () => watch.members().find((m) => m.instanceId === "sf-a"));
    expect(seen).toMatchObject({ address: "127.0.0.1:40001", ready: false, region: "eu", version: "test", pid: process.pid });
    await reg.setReady(true);
    await until("sf-a ready", () => watch.members().find((m) => m.instanceId === "sf-a" && m.ready));
    await reg.deregister({ drainMs: 300 });
    await until("sf-a gone", () => (watch.members().some((m) => m.instanceId === "sf-a") ? undefined : true));
  });

  it("drains before leaving: a ready instance is first published not ready, then removed", async () => {
    const reg = await register({ endpoints, prefix, instance: { ...instance("sf-b", 40002), ready: true }, ttlSeconds: 5 });
    await until("sf-b ready", () => watch.members().find((m) => m.instanceId === "sf-b" && m.ready));
    const from = history.length;
    const t0 = Date.now();
    await reg.deregister({ drainMs: 500 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    await until("sf-b gone", () => (watch.members().some((m) => m.instanceId === "sf-b") ? undefined : true));
    const states = history.slice(from).map((m) => m.find((i) => i.instanceId === "sf-b")?.ready ?? "gone");
    expect(states).toEqual([false, "gone"]);
  });

  it("removes an instance that was killed (SIGKILL) within its lease TTL", async () => {
    const standIn = await spawnStandIn({ id: "sf-c", service: "storefront", endpoints, prefix, ttlSeconds: 3 });
    await until("sf-c registered", () => watch.members().find((m) => m.instanceId === "sf-c"));
    const killedAt = Date.now();
    standIn.child.kill("SIGKILL");
    await until("sf-c expired", () => (watch.members().some((m) => m.instanceId === "sf-c") ? undefined : true), 10_000);
    const ms = Date.now() - killedAt;
    // The lease runs out at most one TTL after the last keepalive (sent every TTL/3).
    expect(ms).toBeLessThanOrEqual(3_000 + 2_000);
    process.stdout.write(`killed instance left the registry after ${ms} ms (TTL 3 s)\n`);
  });

  it("gives a new watcher the current members from its first read", async () => {
    const reg = await register({ endpoints, prefix, instance: { ...instance("sf-d", 40004), ready: true } });
    const late = await watchServices({ endpoints, prefix, service: "storefront", onChange: () => {} });
    try {
      expect(late.members().map((m) => m.instanceId)).toContain("sf-d");
    } finally {
      await late.close();
      await reg.deregister({ drainMs: 0 });
    }
  });
});
