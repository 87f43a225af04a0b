import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PROFILES, type ProfileName, topology } from "./topology.ts";

function allPorts(p: ProfileName): number[] {
  const t = topology(p);
  return [
    ...t.etcd.flatMap((e) => [e.clientPort, e.peerPort]),
    ...t.clusters.flatMap((c) => [c.rwPort, c.roPort, ...c.nodes.flatMap((n) => [n.pgPort, n.restPort])]),
    t.haproxy.statsPort,
    ...t.redis.nodes.map((n) => n.port),
    ...t.redis.sentinels.map((n) => n.port),
    ...t.apps.storefront,
    t.apps.gateway,
    t.apps.vendorPortal,
    t.apps.opsConsole,
    t.apps.paymentSim,
    t.apps.cdn,
    t.apps.mediaOrigin,
    ...t.apps.realtime,
    t.apps.telemetryCollector,
    t.apps.carrierWebhook,
    ...Object.values(t.apps.workerMetrics),
    ...Object.values(t.faultProxies),
    t.faultProxyAdmin,
  ];
}

describe("topology", () => {
  // A private copy (AGORA_BASE_PORT) moves every profile onto one block; these are the defaults.
  const saved = process.env.AGORA_BASE_PORT;
  beforeEach(() => {
    delete process.env.AGORA_BASE_PORT;
  });
  afterEach(() => {
    if (saved !== undefined) process.env.AGORA_BASE_PORT = saved;
  });

  it("gives every process of every profile its own port, clear of machine defaults and the ephemeral range", () => {
    const ports = (Object.keys(PROFILES) as ProfileName[]).flatMap(allPorts);
    expect(new Set(ports).size).toBe(ports.length);
    for (const p of ports) {
      expect([5432, 6379, 2379, 2380, 26379]).not.toContain(p);
      expect(p).toBeGreaterThan(1024);
      expect(p).toBeLessThan(32768);
    }
  });

  it("runs core with three synchronous members and every shard with a replica", () => {
    const t = topology("dev");
    const core = t.clusters.find((c) => c.name === "core");
    expect(core?.nodes).toHaveLength(3);
    expect(core?.synchronous).toBe(true);
    for (const s of t.clusters.filter((c) => c.kind === "shard")) expect(s.nodes.length).toBeGreaterThanOrEqual(2);
  });
});
