import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clearFailoverState, writeFailoverState } from "./failover-state.ts";
import { edgeProcesses } from "../edge/edge-processes.ts";
import { REGION_ARBITER, REGION_LINK } from "./region-servers.ts";
import { cluster, EU_LINK_ROUTES, etcdClientPorts, failoverWorkerOf, LINK_ROUTES, PEER_LINK_ROUTES, topology } from "../topology.ts";
import { processEnv, regionOf } from "../env/process-env.ts";
import { failoverServices, serviceByName, services } from "../apps.ts";
import { lostWithRegion } from "./failover-workers.ts";

const KEYS = ["AGORA_REGIONS", "AGORA_BASE_PORT", "AGORA_STATE_DIR"] as const;

describe("the two-region topology", () => {
  let saved: Partial<Record<(typeof KEYS)[number], string>>;
  beforeEach(() => {
    saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
    process.env.AGORA_BASE_PORT = "18000";
    process.env.AGORA_STATE_DIR = "/tmp/agora-regions-topology-test";
  });
  afterEach(() => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("runs one region unless asked for two", () => {
    delete process.env.AGORA_REGIONS;
    expect(topology("test").remoteRegions).toEqual([]);
    process.env.AGORA_REGIONS = "2";
    expect(topology("test").remoteRegions.map((r) => r.name)).toEqual(["us"]);
    process.env.AGORA_REGIONS = "3";
    expect(() => topology("test")).toThrow(/AGORA_REGIONS must be 1 or 2/);
  });

  it("gives the us region its own ports, inside the copy's block and clear of every eu port", () => {
    process.env.AGORA_REGIONS = "2";
    const t = topology("test");
    const us = t.remoteRegions[0]!;
    const usPorts = [
      ...us.redis.nodes.map((n) => n.port),
      ...us.redis.sentinels.map((n) => n.port),
      ...us.coreStandby.nodes.flatMap((m) => [m.pgPort, m.restPort]),
      ...us.storefront,
      ...us.failoverWorkers.inventory,
      us.failoverWorkers.carrierWebhook,
      ...Object.values(us.failoverWorkers.workerMetrics),
      us.link.adminPort,
      ...us.link.routes.map((r) => r.listenPort),
      us.globalEdge.port,
      us.globalEdge.statsPort,
    ];
    expect(new Set(usPorts).size).toBe(usPorts.length);
    const eu = [
      ...t.etcd.flatMap((e) => [e.clientPort, e.peerPort]),
      ...t.clusters.flatMap((c) => [c.rwPort, c.roPort, ...c.nodes.flatMap((m) => [m.pgPort, m.restPort])]),
      ...t.redis.nodes.map((n) => n.port),
      ...t.redis.sentinels.map((n) => n.port),
      ...Object.values(t.apps).flatMap((v) => (typeof v === "number" ? [v] : Array.isArray(v) ? v : Object.values(v))),
      ...Object.values(t.faultProxies),
      t.faultProxyAdmin,
    ];
    for (const p of usPorts) {
      expect(eu).not.toContain(p);
      expect(p).toBeGreaterThanOrEqual(18000);
      expect(p).toBeLessThan(19000);
    }
  });

  it("routes every link listener to the eu server it stands for", () => {
    process.env.AGORA_REGIONS = "2";
    const t = topology("test");
    const routes = Object.fromEntries(t.remoteRegions[0]!.link.routes.map((r) => [r.name, r.targetPort]));
    expect(Object.keys(routes)).toEqual([...LINK_ROUTES, ...EU_LINK_ROUTES, ...PEER_LINK_ROUTES]);
    expect(routes["core-replication"]).toBe(cluster(t, "core").rwPort);
    expect(routes["core-rw"]).toBe(cluster(t, "core").rwPort);
    expect(routes["shard-2-ro"]).toBe(cluster(t, "shard-2").roPort);
    expect(routes["etcd-3"]).toBe(t.etcd[2]!.clientPort);
    expect(routes.telemetry).toBe(t.apps.telemetryCollector);
  });

  it("has the supervisor restart the region link and us's arbiter with two regions, and neither with one", () => {
    process.env.AGORA_REGIONS = "2";
    const two = edgeProcesses(topology("test")).map((p) => p.name);
    expect(two).toEqual(expect.arrayContaining([REGION_LINK, REGION_ARBITER]));
    process.env.AGORA_REGIONS = "1";
    const one = edgeProcesses(topology("test")).map((p) => p.name);
    expect(one).not.toContain(REGION_LINK);
    expect(one).not.toContain(REGION_ARBITER);
  });

  it("puts one etcd member in each site and has every site reach the others' members only through the link", () => {
    process.env.AGORA_REGIONS = "2";
    const t = topology("test");
    const us = t.remoteRegions[0]!;
    expect(t.etcd.map((e) => e.location)).toEqual(["eu", "us", "witness"]);
    const routeAt = (port: number) => us.link.routes.find((r) => r.listenPort === port);
    for (const from of ["eu", "us"] as const) {
      for (const [i, e] of etcdClientPorts(t, from).entries()) {
        const member = t.etcd[i]!;
        if (member.location === from) expect(e.port, `${from} → ${member.name}`).toBe(member.clientPort);
        else expect(routeAt(e.port), `${from} → ${member.name}`).toMatchObject({ from, to: member.location, targetPort: member.clientPort });
      }
    }
    // Each member advertises the link's listener for it to its peers, which tells the dialler's site per connection.
    for (const e of t.etcd) expect(routeAt(e.advertisedPeerPort)).toMatchObject({ from: "any", to: e.location, targetPort: e.peerPort });
    // One region: every member in eu, advertising its own peer port.
    delete process.env.AGORA_REGIONS;
    const one = topology("test");
    if (one.remoteRegions.length === 0)
      for (const e of one.etcd) expect(e).toMatchObject({ location: "eu", advertisedPeerPort: e.peerPort });
  });

  it("gives a us storefront eu's data only through the link, its own Redis and the local standby for reads", () => {
    process.env.AGORA_REGIONS = "2";
    const t = topology("test");
    const us = t.remoteRegions[0]!;
    const env = processEnv(t, "storefront-us-1");
    const linkPorts = new Set(us.link.routes.map((r) => r.listenPort));
    const portOf = (u: string) => Number(/:(\d+)\//.exec(u)?.[1]);
    expect(env.AGORA_REGION).toBe("us");
    expect(env.AGORA_CORE_REGION).toBe("eu");
    expect(env.PORT).toBe(String(us.storefront[0]));
    expect(portOf(env.AGORA_DB_URL_CORE_RO!)).toBe(us.coreStandby.nodes[0]!.pgPort);
    for (const key of ["AGORA_DB_URL_CORE_RW", "AGORA_DB_URL_SHARD_1_RW", "AGORA_DB_URL_SHARD_1_RO", "AGORA_DB_URL_SHARD_2_RW", "AGORA_DB_URL_SHARD_2_RO"])
      expect(linkPorts.has(portOf(env[key]!)), key).toBe(true);
    // etcd: the member in us directly, the ones in eu and at the witness through the link.
    const etcdPorts = env.AGORA_ETCD_ENDPOINTS!.split(",").map((e) => Number(new URL(e).port));
    expect(etcdPorts[1]).toBe(t.etcd[1]!.clientPort);
    expect([etcdPorts[0], etcdPorts[2]].every((p) => linkPorts.has(p!))).toBe(true);
    expect(env.AGORA_REDIS_SENTINELS).toBe(us.redis.sentinels.map((s) => `127.0.0.1:${s.port}`).join(","));
    // Everything a storefront needs to start from its own environment alone (no inherited variables).
    expect(env.AGORA_METRICS_TOKEN).toBe(processEnv(t, "storefront-1").AGORA_METRICS_TOKEN);
    expect(env.NEXTAUTH_SECRET).toBe(processEnv(t, "storefront-1").NEXTAUTH_SECRET);
    // eu's processes are unchanged by the second region.
    expect(processEnv(t, "storefront-1").AGORA_REGION).toBeUndefined();
  });

  it("after a region failover, gives a us storefront its own promoted copy for writes and makes us the core region", () => {
    process.env.AGORA_REGIONS = "2";
    process.env.AGORA_STATE_DIR = mkdtempSync(join(tmpdir(), "agora-region-failover-env-"));
    const t = topology("test");
    const us = t.remoteRegions[0]!;
    const portOf = (u: string) => Number(/:(\d+)\//.exec(u)?.[1]);
    writeFailoverState(us, { coreRegion: "us", promotedAt: new Date().toISOString(), drillId: "d1" });
    const env = processEnv(t, "storefront-us-1");
    expect(env.AGORA_CORE_REGION).toBe("us");
    expect(portOf(env.AGORA_DB_URL_CORE_RW!)).toBe(us.coreStandby.nodes[0]!.pgPort);
    // The vendor shards are still eu's, through the link.
    expect(us.link.routes.map((r) => r.listenPort)).toContain(portOf(env.AGORA_DB_URL_SHARD_1_RW!));
    clearFailoverState(us);
    const back = processEnv(t, "storefront-us-1");
    expect(back.AGORA_CORE_REGION).toBe("eu");
    expect(us.link.routes.map((r) => r.listenPort)).toContain(portOf(back.AGORA_DB_URL_CORE_RW!));
  });

  it("defines us's failover workers from eu's processes, renamed for us and on us's ports, and runs none of them by default", () => {
    process.env.AGORA_REGIONS = "2";
    const t = topology("test");
    const us = t.remoteRegions[0]!;
    const specs = failoverServices(t, us);
    expect(specs.map((s) => s.name)).toEqual([
      "outbox-relay-us-1",
      "workers-sagas-us-1",
      "workers-payments-us-1",
      "inventory-us-1",
      "workers-notifications-us-1",
      "workers-projections-us-1",
      "workers-analytics-us-1",
      "workers-maintenance-us-1",
    ]);
    // Each on a metrics port of its own: +732… of the block, in order, below the us storefront's +740.
    expect(Object.values(us.failoverWorkers.workerMetrics)).toEqual(specs.map((_, i) => 18000 + 732 + i));
    expect(us.failoverWorkers.workerMetrics.maintenance).toBe(18739);
    expect(us.failoverWorkers.workerMetrics.maintenance).toBeLessThan(us.storefront[0]!);
    expect(specs.find((s) => s.name === "inventory-us-1")?.port).toBe(us.failoverWorkers.inventory[0]);
    expect(specs.find((s) => s.name === "workers-payments-us-1")?.port).toBe(us.failoverWorkers.carrierWebhook);
    // The same command lines as eu's (the pool or instance name is the argument).
    expect(specs.find((s) => s.name === "workers-sagas-us-1")?.args).toEqual(services(t).find((s) => s.name === "workers-sagas")?.args);
    // The supervisor can restart them; npm start does not run them (idle cost: only after a failover).
    for (const s of specs) {
      expect(serviceByName(t, s.name)?.name).toBe(s.name);
      expect(regionOf(t, s.name)?.name).toBe("us");
      expect(failoverWorkerOf(t, s.name)?.region.name).toBe("us");
    }
    expect(services(t).map((s) => s.name).filter((n) => n.includes("-us-"))).toEqual([]);
    // eu's names stay eu's.
    for (const n of ["workers-sagas-2", "outbox-relay-2", "inventory-1", "storefront-2"]) expect(regionOf(t, n)).toBeUndefined();
  });

  it("after a region failover, gives us's relay, pools and inventory us's Redis, the promoted copy and eu's shards through the link", () => {
    process.env.AGORA_REGIONS = "2";
    process.env.AGORA_STATE_DIR = mkdtempSync(join(tmpdir(), "agora-region-failover-workers-"));
    const t = topology("test");
    const us = t.remoteRegions[0]!;
    const linkPorts = new Set(us.link.routes.map((r) => r.listenPort));
    const portOf = (u: string) => Number(/:(\d+)\//.exec(u)?.[1]);
    writeFailoverState(us, { coreRegion: "us", promotedAt: new Date().toISOString(), drillId: "d1" });
    for (const name of [
      "workers-sagas-us-1",
      "workers-payments-us-1",
      "outbox-relay-us-1",
      "inventory-us-1",
      "workers-notifications-us-1",
      "workers-projections-us-1",
      "workers-analytics-us-1",
      "workers-maintenance-us-1",
    ]) {
      const env = processEnv(t, name);
      expect(env.AGORA_REGION, name).toBe("us");
      expect(env.AGORA_CORE_REGION, name).toBe("us");
      expect(portOf(env.AGORA_DB_URL_CORE_RW!), name).toBe(us.coreStandby.nodes[0]!.pgPort);
      expect(linkPorts.has(portOf(env.AGORA_DB_URL_SHARD_1_RW!)), name).toBe(true);
      expect(env.AGORA_REDIS_SENTINELS, name).toBe(us.redis.sentinels.map((s) => `127.0.0.1:${s.port}`).join(","));
      // etcd: the member in us directly, the ones in eu and at the witness through the link.
    expect(env.AGORA_ETCD_ENDPOINTS!.split(",").map((e) => Number(new URL(e).port))).toEqual([
      linkPorts.has(Number(new URL(env.AGORA_ETCD_ENDPOINTS!.split(",")[0]!).port)) ? Number(new URL(env.AGORA_ETCD_ENDPOINTS!.split(",")[0]!).port) : -1,
      t.etcd[1]!.clientPort,
      Number(new URL(env.AGORA_ETCD_ENDPOINTS!.split(",")[2]!).port),
    ]);
    for (const i of [0, 2]) expect(linkPorts.has(Number(new URL(env.AGORA_ETCD_ENDPOINTS!.split(",")[i]!).port))).toBe(true);
      expect(Object.values(us.failoverWorkers.workerMetrics)).toContain(Number(env.AGORA_METRICS_PORT));
      // eu's process's identity and keys: mutual TLS to inventory and the provider works the same.
      expect(env.AGORA_TLS_CERT_FILE, name).toBeDefined();
    }
    expect(processEnv(t, "inventory-us-1").PORT).toBe(String(us.failoverWorkers.inventory[0]));
    expect(processEnv(t, "workers-payments-us-1").PORT).toBe(String(us.failoverWorkers.carrierWebhook));
    expect(processEnv(t, "workers-payments-us-1").AGORA_PAYMENT_PROVIDER_API_KEY).toBe(processEnv(t, "workers-payments").AGORA_PAYMENT_PROVIDER_API_KEY);
    expect(processEnv(t, "workers-sagas-us-1").AGORA_PAYMENT_PROVIDER_API_KEY).toBeUndefined();
    // us's maintenance beats the heartbeat as the core region's, and its alert evaluator scrapes as eu's does.
    const maintenance = processEnv(t, "workers-maintenance-us-1");
    expect(maintenance.AGORA_METRICS_TARGETS).toBe(processEnv(t, "workers-maintenance").AGORA_METRICS_TARGETS);
    expect(maintenance.AGORA_METRICS_TOKEN).toBe(processEnv(t, "workers-maintenance").AGORA_METRICS_TOKEN);
    expect(maintenance.AGORA_STORAGE_DIR).toBe(t.stateDir);
    clearFailoverState(us);
  });

  it("stops eu's maintenance pool with the region in the drill, so only us's runs payouts, the heartbeat and the sweeps", () => {
    process.env.AGORA_REGIONS = "2";
    process.env.AGORA_STATE_DIR = mkdtempSync(join(tmpdir(), "agora-region-lost-"));
    const lost = lostWithRegion(topology("test"));
    expect(lost).toContain("workers-maintenance");
    for (const n of ["outbox-relay", "outbox-relay-2", "workers-sagas", "workers-payments", "inventory-1", "inventory-2", "storefront-1"])
      expect(lost).toContain(n);
    // What us does not take over stays up in eu.
    expect(lost).not.toContain("workers-imports");
    expect(lost.filter((n) => n.includes("-us-"))).toEqual([]);
  });
});
