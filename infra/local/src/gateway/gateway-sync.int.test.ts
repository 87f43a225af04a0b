/**
 * The gateway follows the registry without a reload: a real HAProxy (the generated edge config),
 * the test topology's etcd, the sync as the supervisor runs it, and stand-in instances as real
 * processes. An instance that registers is routed to; one that turns not ready is drained (no new
 * requests); one killed with SIGKILL is taken out once its lease runs out; HAProxy's PID never
 * changes.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { etcdSchema, loadConfig } from "@agora/config";
import { registryClient } from "@agora/registry";
import { type StandIn, spawnStandIn } from "@agora/registry/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { haproxyRuntimeSocket, haproxyServerStateFile } from "../config/haproxy.ts";
import { freePort } from "../processes/free-port.ts";
import { type PrivateHaproxy, startPrivateHaproxy } from "../testing/private-haproxy.ts";
import type { Topology } from "../topology.ts";
import { GatewaySync } from "./gateway-sync.ts";
import { serversState, type ServerSlot } from "./runtime-api.ts";

const TTL_S = 3;
const { etcd } = loadConfig({ etcd: etcdSchema });
const prefix = `${etcd.AGORA_ETCD_PREFIX}gateway-test-${randomBytes(4).toString("hex")}/`;
const endpoints = etcd.AGORA_ETCD_ENDPOINTS;

let t: Topology;
let haproxy: PrivateHaproxy;
let sync: GatewaySync;
let gateway: string;
const standIns: StandIn[] = [];

const slots = async (): Promise<ServerSlot[]> =>
  (await serversState(haproxyRuntimeSocket(t), "storefront_gateway")).filter((s) => !s.maint);
const slotOf = async (s: StandIn) => (await slots()).find((x) => x.port === s.port);

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await slots())}`);
    await sleep(100);
  }
}

/** Which instances answer `n` requests through the gateway. */
async function answering(n = 20): Promise<Map<string, number>> {
  const count = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${gateway}/who`, { signal: AbortSignal.timeout(5_000) });
    const who = r.ok ? await r.text() : `status ${r.status}`;
    count.set(who, (count.get(who) ?? 0) + 1);
  }
  return count;
}

beforeAll(async () => {
  // One instance "in the topology" that never registers: the sync must take it out.
  haproxy = await startPrivateHaproxy({ tmpPrefix: "agora-gw-", storefront: [await freePort()] });
  ({ topology: t, gateway } = haproxy);
  sync = new GatewaySync(t, { etcd: { endpoints, prefix }, resyncMs: 1_000, log: () => {} });
  await sync.start();
});

afterAll(async () => {
  await sync?.stop();
  for (const s of standIns) s.child.kill("SIGKILL");
  await haproxy?.stop();
  const client = registryClient(endpoints);
  await client.delete().prefix(prefix);
  client.close();
});

describe("gateway sync: HAProxy membership from the registry, no reloads", () => {
  it("takes a configured instance that is not registered out of rotation", async () => {
    await until("the unregistered static slot in maintenance", async () => ((await slots()).length === 0 ? true : undefined));
  });

  it("routes to instances as they register, without HAProxy restarting", async () => {
    const pid = haproxy.process.pid;
    const [a, b] = await Promise.all([
      spawnStandIn({ id: "sf-a", service: "storefront", endpoints, prefix, ttlSeconds: TTL_S }),
      spawnStandIn({ id: "sf-b", service: "storefront", endpoints, prefix, ttlSeconds: TTL_S }),
    ]);
    standIns.push(a!, b!);
    await until("both slots ready", async () => ((await slotOf(a!))?.drain === false && (await slotOf(b!))?.drain === false ? true : undefined));
    const seen = await until("both answering through the gateway", async () => {
      const c = await answering();
      return c.has("sf-a") && c.has("sf-b") ? c : undefined;
    });
    expect([...seen.keys()].sort()).toEqual(["sf-a", "sf-b"]);
    expect(haproxy.process.pid).toBe(pid);
    expect(haproxy.process.exitCode).toBeNull();
  });

  it("drains an instance that turns not ready: no new requests reach it", async () => {
    const [a] = standIns;
    a!.child.kill("SIGUSR2");
    await until("sf-a draining", async () => ((await slotOf(a!))?.drain ? true : undefined));
    const c = await answering(30);
    expect(c.get("sf-a") ?? 0).toBe(0);
    expect(c.get("sf-b")).toBe(30);
    a!.child.kill("SIGUSR1");
    await until("sf-a ready again", async () => ((await slotOf(a!))?.drain === false ? true : undefined));
  });

  it("takes a killed instance (SIGKILL) out within its lease TTL and adds a new one that then gets traffic", async () => {
    const [, b] = standIns;
    const killedAt = Date.now();
    b!.child.kill("SIGKILL");
    await until("sf-b's slot in maintenance", async () => ((await slotOf(b!)) ? undefined : true), 15_000);
    const goneMs = Date.now() - killedAt;
    expect(goneMs).toBeLessThanOrEqual(TTL_S * 1000 + 2_500);
    process.stdout.write(`SIGKILLed instance out of HAProxy after ${goneMs} ms (lease TTL ${TTL_S} s)\n`);

    const c = await spawnStandIn({ id: "sf-c", service: "storefront", endpoints, prefix, ttlSeconds: TTL_S });
    standIns.push(c);
    const addedAt = Date.now();
    await until("sf-c answering", async () => ((await answering(10)).has("sf-c") ? true : undefined));
    process.stdout.write(`new instance answered through the gateway ${Date.now() - addedAt} ms after registering\n`);
    const counts = await answering(30);
    expect([...counts.keys()].sort()).toEqual(["sf-a", "sf-c"]);
    expect(haproxy.process.exitCode).toBeNull();
  });

  it("keeps what it set in the server-state-file: a restarted HAProxy routes to the same instances before any sync", async () => {
    await sync.settled();
    await sync.stop();
    const [a, , c] = standIns;
    const saved = readFileSync(haproxyServerStateFile(t), "utf8");
    expect(saved).toMatch(new RegExp(`storefront_gateway \\d+ storefront-\\d+ 127\\.0\\.0\\.1 \\d+ \\d+ .* ${a!.port} `));
    await haproxy.restart();
    const ports = (await slots()).map((x) => x.port).sort();
    expect(ports).toEqual([a!.port, c!.port].sort());
    const counts = await until("the restored slots answering", async () => {
      const n = await answering(10);
      return n.has("sf-a") && n.has("sf-c") ? n : undefined;
    });
    expect([...counts.keys()].sort()).toEqual(["sf-a", "sf-c"]);
  });
});
