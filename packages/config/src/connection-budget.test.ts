import { describe, expect, it } from "vitest";
import {
  CONNECTION_BUDGET,
  DB_TARGETS,
  connectionsPerInstance,
  dbTargetOf,
  memberDemand,
  poolMaxEnv,
  type ProcessKind,
  processKindOf,
  reservedConnections,
} from "./connection-budget.ts";
import { WEB_APPS, WORKER_IMAGE_PROCESSES, WORKER_PROCESSES } from "./deployables.ts";
import { loadConfig } from "./load-config.ts";
import { databaseSchema } from "./schemas/database.ts";

describe("connection budget", () => {
  it("has an entry for every web app and process of the workers image", () => {
    for (const kind of [...WEB_APPS, ...WORKER_IMAGE_PROCESSES])
      expect(CONNECTION_BUDGET).toHaveProperty([kind]);
    expect(WORKER_PROCESSES.filter((p) => processKindOf(p) === undefined)).toEqual([]);
  });

  it("finds the kind of an instance name, in either region", () => {
    expect(processKindOf("storefront-3")).toBe("storefront");
    expect(processKindOf("storefront-us-1")).toBe("storefront");
    expect(processKindOf("workers-sagas-2")).toBe("sagas");
    expect(processKindOf("outbox-relay-2")).toBe("outbox-relay");
    expect(processKindOf("realtime-1")).toBe("realtime");
    expect(processKindOf("ops-console")).toBe("ops-console");
    expect(processKindOf("workers-search-indexer")).toBeUndefined();
  });

  it("names the core cluster's and every shard's targets", () => {
    expect(dbTargetOf("core", "rw")).toBe("core-rw");
    expect(dbTargetOf("shard-2", "ro")).toBe("shard-ro");
  });

  it("gives each pooled kind one max per target, which the database schema reads back", () => {
    const env = poolMaxEnv("storefront");
    expect(Object.keys(env)).toHaveLength(DB_TARGETS.length);
    const db = loadConfig(databaseSchema, {
      AGORA_DB_SHARDS: "shard-1",
      AGORA_DB_URL_CORE_RW: "postgresql://a@core/agora",
      AGORA_DB_URL_CORE_RO: "postgresql://a@core-repl/agora",
      AGORA_DB_URL_SHARD_1_RW: "postgresql://a@shard-1/agora",
      AGORA_DB_URL_SHARD_1_RO: "postgresql://a@shard-1-repl/agora",
      ...env,
    });
    const budget = CONNECTION_BUDGET.storefront;
    expect("pools" in budget && db.pool.maxByTarget).toEqual("pools" in budget && budget.pools);
    expect(poolMaxEnv("payment-sim")).toEqual({});
  });

  it("counts sessions beside the pools, and the reserved slots, in a member's sum", () => {
    // The storefront's directory listener is one more connection to core's primary.
    expect(connectionsPerInstance("storefront", "core-rw")).toBe(5);
    expect(connectionsPerInstance("media-origin", "core-rw")).toBe(0);
    const instances = new Map<ProcessKind, number>([
      ["storefront", 2],
      ["media-origin", 1],
    ]);
    const d = memberDemand("core", "core-rw", instances, 100);
    expect(d.rows.map((r) => r.kind)).toEqual(["storefront"]);
    expect(d.total).toBe(2 * 5 + reservedConnections());
    expect(reservedConnections()).toBeGreaterThanOrEqual(3);
  });
});
