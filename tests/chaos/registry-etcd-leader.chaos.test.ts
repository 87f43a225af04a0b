/**
 * The service registry through an etcd leader crash: the etcd Raft leader of the test topology is
 * SIGKILLed while an instance is registered and a watcher follows it. The instance's lease must
 * survive (its keepalive moves to another member, so it stays registered past its TTL), and a
 * readiness change made after the crash must still reach the watcher.
 */
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { applyNodeAction } from "@agora/infra-local/chaos";
import { etcdStatus } from "@agora/infra-local/probes";
import { topology } from "@agora/infra-local/topology";
import { register, registryClient, type Registration, type ServiceWatch, watchServices } from "@agora/registry";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const t = topology("test");
const endpoints = t.etcd.map((m) => `https://${t.host}:${m.clientPort}`);
const prefix = `${t.profile.namespace}registry-chaos-${randomBytes(4).toString("hex")}/`;
const TTL_S = 5;

let watch: ServiceWatch;
let reg: Registration;

async function until(what: string, ok: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
  return Date.now() - t0;
}

async function leader(): Promise<string | undefined> {
  for (const m of t.etcd) if ((await etcdStatus(m)).isLeader) return m.name;
  return undefined;
}

beforeAll(async () => {
  watch = await watchServices({ endpoints, prefix, service: "storefront", onChange: () => {} });
  reg = await register({
    endpoints,
    prefix,
    ttlSeconds: TTL_S,
    instance: { service: "storefront", instanceId: "sf-chaos", address: "127.0.0.1:40100", version: "test", region: "eu", ready: true },
  });
  await until("the watcher to see the instance", () => watch.members().some((m) => m.instanceId === "sf-chaos"), 10_000);
});

afterAll(async () => {
  await reg?.deregister({ drainMs: 0 });
  await watch?.close();
  const client = registryClient(endpoints);
  await client.delete().prefix(prefix);
  client.close();
});

describe("service registry: etcd leader crash", () => {
  it("keeps the instance registered past its TTL and still delivers readiness changes", async () => {
    const old = await leader();
    expect(old).toBeDefined();
    await applyNodeAction(t, old!, "kill");
    try {
      const elected = await until("a new etcd leader", async () => ((await leader()) ?? old) !== old, 20_000);
      process.stdout.write(`etcd: ${old} killed, new leader after ${elected} ms\n`);
      // Longer than the TTL: only renewals through the surviving members keep the key.
      await sleep((TTL_S + 2) * 1000);
      expect(watch.members().map((m) => m.instanceId)).toContain("sf-chaos");
      await reg.setReady(false);
      const seen = await until(
        "the watcher to see not ready",
        () => watch.members().some((m) => m.instanceId === "sf-chaos" && !m.ready),
        10_000,
      );
      process.stdout.write(`readiness change reached the watcher ${seen} ms after the write\n`);
    } finally {
      await applyNodeAction(t, old!, "restart");
      await until(`${old} healthy again`, async () => (await etcdStatus(t.etcd.find((m) => m.name === old)!)).healthy, 30_000);
    }
  });
});
