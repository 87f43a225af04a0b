import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureCa } from "../security/pki.ts";
import { topology, type Topology } from "../topology.ts";
import { writeFailoverState } from "./failover-state.ts";
import { EDGE_CHECK, edgeRegions, edgeRoute, globalEdgeConfig } from "./global-edge.ts";
import { databaseState, parseEdgeStats } from "./region-health.ts";

const KEYS = ["AGORA_REGIONS", "AGORA_BASE_PORT", "AGORA_STATE_DIR"] as const;

/**
 * What the generated frontend does for one request: its `use_backend … if <acls>` lines in order,
 * with `client_<r>` true for the header's region and `<r>_serving` / `<r>_db_up` from `health`.
 */
function routeByConfig(cfg: string, client: string | undefined, health: Record<string, { serving: boolean; db: boolean }>): string {
  const frontend = cfg.slice(cfg.indexOf("frontend global_edge"), cfg.indexOf("\n\n", cfg.indexOf("frontend global_edge")));
  const acl = (name: string): boolean => {
    const m = /^(client|.+?)_(serving|db_up)$/.exec(name);
    if (name.startsWith("client_")) return name === `client_${client}`;
    if (!m) throw new Error(`unknown acl ${name}`);
    const h = health[m[1]!]!;
    return m[2] === "serving" ? h.serving : h.db;
  };
  for (const line of frontend.split("\n")) {
    const m = /^\s+use_backend region_(\w+) if (.+)$/.exec(line);
    if (m && m[2]!.split(" ").every(acl)) return m[1]!;
  }
  const def = /default_backend region_(\w+)/.exec(frontend);
  return `${def?.[1]} (default)`;
}

describe("the global edge", () => {
  let saved: Partial<Record<(typeof KEYS)[number], string>>;
  let t: Topology;
  beforeEach(() => {
    saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
    process.env.AGORA_BASE_PORT = "18000";
    process.env.AGORA_STATE_DIR = "/tmp/agora-global-edge-test";
    process.env.AGORA_REGIONS = "2";
    t = topology("test");
  });
  afterEach(() => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("sends each client to its own region while healthy and to the other when not", () => {
    const regions = edgeRegions(t);
    expect(regions).toEqual(["eu", "us"]);
    expect(edgeRoute("us", { eu: true, us: true }, regions)).toBe("us");
    expect(edgeRoute("eu", { eu: true, us: true }, regions)).toBe("eu");
    expect(edgeRoute(undefined, { eu: true, us: true }, regions)).toBe("eu");
    expect(edgeRoute("mars", { eu: true, us: true }, regions)).toBe("eu");
    expect(edgeRoute("eu", { eu: false, us: true }, regions)).toBe("us");
    expect(edgeRoute("us", { eu: true, us: false }, regions)).toBe("eu");
    expect(edgeRoute("us", { eu: false, us: false }, regions)).toBeNull();
  });

  it("generates an HAProxy frontend that routes exactly as edgeRoute decides, for every client and health", () => {
    const cfg = globalEdgeConfig(t, t.remoteRegions[0]!);
    const regions = edgeRegions(t);
    const bools = [true, false];
    for (const client of ["eu", "us", undefined])
      for (const euServing of bools)
        for (const euDb of bools)
          for (const usServing of bools)
            for (const usDb of bools) {
              const health = { eu: { serving: euServing, db: euDb }, us: { serving: usServing, db: usDb } };
              const expected = edgeRoute(client, { eu: euServing && euDb, us: usServing && usDb }, regions);
              const got = routeByConfig(cfg, client, health);
              expect(got, JSON.stringify({ client, health })).toBe(expected ?? "eu (default)");
            }
  });

  it("takes a region out after a few failed checks but gives its clients back only after many good ones", () => {
    const cfg = globalEdgeConfig(t, t.remoteRegions[0]!);
    expect(EDGE_CHECK.rise).toBeGreaterThan(EDGE_CHECK.fall);
    for (const backend of ["region_eu", "region_us", "region_eu_db", "region_us_db"]) {
      const start = cfg.indexOf(`\nbackend ${backend}\n`);
      const section = cfg.slice(start, cfg.indexOf("\n\n", start + 1));
      expect(section, backend).toContain(`fall ${EDGE_CHECK.fall} rise ${EDGE_CHECK.rise}`);
    }
    // eu's shoppers enter through eu's own storefront pool, us's at its instance; both say who served.
    expect(cfg).toContain(`server eu-gateway ${t.host}:${t.apps.storefrontPool} check`);
    expect(cfg).toContain(`server storefront-us-1 ${t.host}:${t.remoteRegions[0]!.storefront[0]} check`);
    expect(cfg).toContain("http-after-response set-header X-Agora-Region eu");
    expect(cfg).toContain("http-after-response set-header X-Agora-Region us");
    // The database checks ask Patroni (TLS, verified) whether Postgres runs there.
    for (const m of [...t.clusters[0]!.nodes, ...t.remoteRegions[0]!.coreStandby.nodes])
      expect(cfg).toContain(`server ${m.name} ${t.host}:${m.pgPort} check port ${m.restPort} check-ssl verify required`);
  });

  it("after a promotion of us, counts eu's copy of core only if one of its members is a primary (eu's members are fenced)", () => {
    process.env.AGORA_STATE_DIR = mkdtempSync(join(tmpdir(), "agora-global-edge-promoted-"));
    const promoted = topology("test");
    const r = promoted.remoteRegions[0]!;
    const dbCheck = (cfg: string, region: string) => {
      const start = cfg.indexOf(`\nbackend region_${region}_db\n`);
      return /option httpchk GET (\S+)/.exec(cfg.slice(start, cfg.indexOf("\n\n", start + 1)))?.[1];
    };
    expect([dbCheck(globalEdgeConfig(promoted, r), "eu"), dbCheck(globalEdgeConfig(promoted, r), "us")]).toEqual(["/health", "/health"]);
    writeFailoverState(r, { coreRegion: "us", promotedAt: new Date().toISOString(), drillId: "arbiter-1" });
    expect([dbCheck(globalEdgeConfig(promoted, r), "eu"), dbCheck(globalEdgeConfig(promoted, r), "us")]).toEqual(["/primary", "/health"]);
    rmSync(process.env.AGORA_STATE_DIR, { recursive: true, force: true });
  });

  it.skipIf(!existsSync("/usr/sbin/haproxy"))("is a configuration HAProxy accepts", () => {
    const dir = mkdtempSync(join(tmpdir(), "agora-global-edge-"));
    const pki = ensureCa(dir, "global edge config check");
    const file = join(dir, "haproxy.cfg");
    writeFileSync(file, globalEdgeConfig(t, t.remoteRegions[0]!).replaceAll(t.pki.caCert, pki.caCert));
    expect(() => execFileSync("/usr/sbin/haproxy", ["-c", "-q", "-f", file], { stdio: "pipe" })).not.toThrow();
  });
});

describe("region health", () => {
  it("reads what a region's copy of core can take from its members' Patroni roles", () => {
    expect(databaseState(["master", "replica"])).toBe("read-write");
    expect(databaseState(["primary"])).toBe("read-write");
    expect(databaseState(["standby_leader"])).toBe("read-only");
    expect(databaseState([null, "replica"])).toBe("read-only");
    expect(databaseState([null, null])).toBe("down");
  });

  it("reads each backend's state from HAProxy's CSV stats", () => {
    const csv = [
      "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight",
      "region_eu,eu-gateway,0,0,0,0,,0,0,0,,0,,0,0,0,0,DOWN,1",
      "region_eu,BACKEND,0,0,0,0,200,0,0,0,0,0,,0,0,0,0,DOWN,0",
      "region_us,BACKEND,0,0,0,0,200,0,0,0,0,0,,0,0,0,0,UP,1",
    ].join("\n");
    const s = parseEdgeStats(csv);
    expect(s.get("region_eu")).toBe(false);
    expect(s.get("region_us")).toBe(true);
    expect(s.has("region_eu_db")).toBe(false);
  });
});
