import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CONNECTION_BUDGET,
  databaseSchema,
  loadConfig,
  type MemberDemand,
  processKindOf,
  WORKER_POOLS,
} from "@agora/config";
import { SCALING } from "@agora/autoscaling/targets";
import { localConnectionDemand, localProcessNames, MissingConnectionBudgetError } from "./connection-budget.ts";
import { PG_MAX_CONNECTIONS, patroniConfig } from "./patroni.ts";
import { processEnv } from "../env/process-env.ts";
import { type ProfileName, STOREFRONT_MAX_INSTANCES, topology, type Topology } from "../topology.ts";

const stateDir = mkdtempSync(join(tmpdir(), "agora-budget-"));

/** A topology of `profile` with `regions` regions, in a private state folder. */
function topologyOf(profile: ProfileName, regions: 1 | 2): Topology {
  const saved = { dir: process.env.AGORA_STATE_DIR, regions: process.env.AGORA_REGIONS };
  process.env.AGORA_STATE_DIR = stateDir;
  process.env.AGORA_REGIONS = String(regions);
  try {
    return topology(profile);
  } finally {
    if (saved.dir === undefined) delete process.env.AGORA_STATE_DIR;
    else process.env.AGORA_STATE_DIR = saved.dir;
    if (saved.regions === undefined) delete process.env.AGORA_REGIONS;
    else process.env.AGORA_REGIONS = saved.regions;
  }
}

const explain = (d: MemberDemand) =>
  `${d.cluster} ${d.member}: ${d.rows.map((r) => `${r.kind} ${r.instances}×${r.perInstance}`).join(", ")} + reserved ${d.reserved} = ${d.total} > ${d.maxConnections}`;

const cases = [
  ["dev", 1],
  ["dev", 2],
  ["test", 1],
  ["test", 2],
] as const;

describe.each(cases)("the %s topology with %i region(s)", (profile, regions) => {
  const t = topologyOf(profile, regions);
  // Computed in each test: a process without a budget entry makes it throw.
  const member = (cluster: string, m: "primary" | "replica") =>
    localConnectionDemand(t).find((d) => d.cluster === cluster && d.member === m);

  it("gives every process it may run an entry in the connection budget", () => {
    const unbudgeted = localProcessNames(t).filter((name) => processKindOf(name) === undefined);
    expect(unbudgeted).toEqual([]);
  });

  it("keeps every member's connections, at the most instances, within max_connections", () => {
    const demand = localConnectionDemand(t);
    const over = demand.filter((d) => d.total > d.maxConnections).map(explain);
    expect(over).toEqual([]);
    expect(demand.map((d) => d.maxConnections)).toEqual(demand.map(() => PG_MAX_CONNECTIONS));
  });

  it("bootstraps every member, the second region's standby too, with that max_connections", () => {
    const s = { superuserPassword: "s", replicationPassword: "r", appPassword: "a", redisPassword: "p" };
    const clusters = [...t.clusters, ...t.remoteRegions.map((r) => r.coreStandby)];
    for (const c of clusters) {
      const cfg = patroniConfig(t, c, c.nodes[0]!, s) as {
        bootstrap: { dcs: { postgresql: { parameters: { max_connections: number } } } };
      };
      expect(cfg.bootstrap.dcs.postgresql.parameters.max_connections, c.name).toBe(PG_MAX_CONNECTIONS);
    }
  });

  it("counts the autoscaler's storefronts and pool processes at their maxima", () => {
    const core = member("core", "primary");
    const count = (kind: string) => core?.rows.find((r) => r.kind === kind)?.instances;
    // The second region's storefronts write to eu's core primary over the link.
    expect(count("storefront")).toBe(STOREFRONT_MAX_INSTANCES + (regions === 2 ? 1 : 0));
    for (const pool of WORKER_POOLS) expect(count(pool), pool).toBe(SCALING.local.pools[pool].maxReplicas);
    // …and read core from their own region's standby.
    if (regions === 2) expect(member("core-us", "replica")?.rows.map((r) => r.kind)).toEqual(["storefront"]);
    expect(member("shard-2", "primary")?.rows.length).toBeGreaterThan(10);
  });

  it("would not fit with every pool at the old default of 10", () => {
    const core = member("core", "primary");
    if (!core) throw new Error("no core primary");
    const at10 = core.rows.reduce((n, r) => n + r.instances * 10, core.reserved);
    expect(at10).toBeGreaterThan(PG_MAX_CONNECTIONS);
  });
});

describe("the budget in each process's environment", () => {
  const t = topologyOf("test", 1);

  it("sets each pool's max from the budget, as @agora/db reads it", () => {
    const budget = CONNECTION_BUDGET.storefront;
    if ("none" in budget) throw new Error("storefront has pools");
    const db = loadConfig(databaseSchema, processEnv(t, "storefront-3"));
    expect(db.pool.maxByTarget).toEqual(budget.pools);
    expect(processEnv(t, "workers-sagas-2").AGORA_DB_POOL_MAX_CORE_RW).toBe(
      processEnv(t, "workers-sagas").AGORA_DB_POOL_MAX_CORE_RW,
    );
  });

  it("gives no pool size to a process without Postgres", () => {
    expect(Object.keys(processEnv(t, "payment-sim")).filter((k) => k.startsWith("AGORA_DB_POOL_MAX"))).toEqual([]);
  });

  it("names a process kind without a budget entry", () => {
    expect(processKindOf("workers-search-indexer")).toBeUndefined();
    expect(new MissingConnectionBudgetError("workers-search-indexer").message).toMatch(/no entry in the connection budget/);
  });
});
