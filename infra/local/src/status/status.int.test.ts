import pg from "pg";
import { describe, expect, it } from "vitest";
import { databaseUrl, topology } from "../topology.ts";
import { getStatus, postgresLag } from "./index.ts";

describe("topology status", () => {
  const t = topology("test");

  it("reports exactly one Raft leader in etcd, one Patroni leader per Postgres cluster and one Redis master", async () => {
    const s = await getStatus(t);
    expect(s.nodes.filter((n) => n.kind === "etcd" && n.role === "leader")).toHaveLength(1);
    for (const c of t.clusters) {
      const members = s.nodes.filter((n) => n.group === c.name);
      expect(members).toHaveLength(c.nodes.length);
      expect(members.filter((m) => m.role === "leader")).toHaveLength(1);
      expect(members.every((m) => m.health === "up")).toBe(true);
      expect(s.leaders[c.name]).toBe(members.find((m) => m.role === "leader")?.name);
    }
    expect(s.nodes.filter((n) => n.kind === "redis" && n.role === "master")).toHaveLength(1);
    expect(s.nodes.filter((n) => n.kind === "sentinel" && n.health === "up")).toHaveLength(t.redis.sentinels.length);
    expect(s.totalRssKb).toBeGreaterThan(0);
  });

  it("reads every member's replication lag: the leader at 0, each healthy replica its own reading", async () => {
    const s = await getStatus(t);
    const lags = await postgresLag(t);
    expect(lags).toHaveLength(t.clusters.reduce((n, c) => n + c.nodes.length, 0));
    for (const c of t.clusters) {
      const members = lags.filter((l) => l.cluster === c.name);
      expect(members.find((m) => m.member === s.leaders[c.name])?.lagMs).toBe(0);
      for (const m of members) expect(m.lagMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("routes each cluster's read-write port to its primary and its read-only port to a replica", async () => {
    for (const c of t.clusters) {
      for (const role of ["rw", "ro"] as const) {
        const client = new pg.Client({ connectionString: databaseUrl(t, c.name, role, { as: "superuser", database: "postgres" }) });
        await client.connect();
        try {
          const r = await client.query<{ rec: boolean; port: number }>("select pg_is_in_recovery() as rec, inet_server_port() as port");
          expect(r.rows[0]?.rec).toBe(role === "ro");
          const served = c.nodes.find((n) => n.pgPort === Number(r.rows[0]?.port));
          expect(served).toBeDefined();
        } finally {
          await client.end();
        }
      }
    }
  });
});
