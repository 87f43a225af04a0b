import { isAbsolute, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  checkedBasePort,
  ephemeralPortRange,
  PORT_BLOCK,
  PROFILES,
  type ProfileName,
  type Topology,
  topology,
} from "./topology.ts";

const profiles = Object.keys(PROFILES) as ProfileName[];
const MACHINE_DEFAULTS = [5432, 6379, 2379, 2380, 26379, 8080, 3000];

/**
 * Every port of a topology, found by walking it rather than from a hand-kept list: a port added
 * to the topology later is covered without touching this test.
 */
function ports(t: Topology): { path: string; port: number }[] {
  const out: { path: string; port: number }[] = [];
  const walk = (v: unknown, path: string, isPort: boolean): void => {
    if (typeof v === "number") {
      if (isPort) out.push({ path, port: v });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${i}]`, isPort));
    } else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        // `haproxy` is the first of `haproxyInstances` under a second name, not more ports; an etcd
        // member's advertised peer port is its own peer port or the region link's listener for it.
        if (k === "profile" || (path === "topology" && k === "haproxy") || k === "advertisedPeerPort") continue;
        walk(x, `${path}.${k}`, isPort || /port/i.test(k) || k === "apps" || k === "faultProxies" || k === "faultProxyAdmin");
      }
    }
  };
  walk(t, "topology", false);
  return out;
}

/** Every file or folder a topology writes to: data, configs, logs, pid and secrets files. */
function paths(t: Topology): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string): void => {
    if (typeof v === "string" && /(dir|file|root)$/i.test(key) && key !== "binDir") out.push(v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(t, "");
  return out;
}

const inside = (child: string, parent: string) => {
  const r = relative(parent, child);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
};

function withEnv<T>(env: { AGORA_BASE_PORT?: number; AGORA_STATE_DIR?: string }, f: () => T): T {
  const saved = { port: process.env.AGORA_BASE_PORT, dir: process.env.AGORA_STATE_DIR };
  try {
    if (env.AGORA_BASE_PORT === undefined) delete process.env.AGORA_BASE_PORT;
    else process.env.AGORA_BASE_PORT = String(env.AGORA_BASE_PORT);
    if (env.AGORA_STATE_DIR === undefined) delete process.env.AGORA_STATE_DIR;
    else process.env.AGORA_STATE_DIR = env.AGORA_STATE_DIR;
    return f();
  } finally {
    if (saved.port === undefined) delete process.env.AGORA_BASE_PORT;
    else process.env.AGORA_BASE_PORT = saved.port;
    if (saved.dir === undefined) delete process.env.AGORA_STATE_DIR;
    else process.env.AGORA_STATE_DIR = saved.dir;
  }
}

const duplicates = (xs: { path: string; port: number }[]) => {
  const seen = new Map<number, string>();
  const clashes: string[] = [];
  for (const { path, port } of xs) {
    const other = seen.get(port);
    if (other) clashes.push(`${port}: ${other} and ${path}`);
    else seen.set(port, path);
  }
  return clashes;
};

describe("topology", () => {
  // The suite itself may run inside a private copy; every case sets what it means.
  let saved: { port?: string; dir?: string };
  beforeEach(() => {
    saved = { port: process.env.AGORA_BASE_PORT, dir: process.env.AGORA_STATE_DIR };
  });
  afterEach(() => {
    expect({ port: process.env.AGORA_BASE_PORT, dir: process.env.AGORA_STATE_DIR }).toEqual(saved);
  });

  it("finds the ports of every kind of process (the walk below misses none)", () => {
    const names = ports(withEnv({}, () => topology("dev"))).map((p) => p.path);
    for (const kind of ["etcd", "clusters", "haproxy", "redis", "apps", "faultProxies", "faultProxyAdmin"]) {
      expect(names.some((n) => n.startsWith(`topology.${kind}`)), kind).toBe(true);
    }
  });

  it("never gives two processes the same port, within a profile or across the default profiles", () => {
    const all = profiles.flatMap((p) => ports(withEnv({}, () => topology(p))).map((x) => ({ ...x, path: `${p}:${x.path}` })));
    expect(duplicates(all)).toEqual([]);
  });

  it("keeps every port of a copy inside its own block, so copies one block apart never collide", () => {
    for (const base of [18000, 19000, 20400]) {
      for (const p of profiles) {
        const t = withEnv({ AGORA_BASE_PORT: base, AGORA_STATE_DIR: `/tmp/agora-${base}` }, () => topology(p));
        for (const { path, port } of ports(t)) {
          expect(port, path).toBeGreaterThanOrEqual(base);
          expect(port, path).toBeLessThan(base + PORT_BLOCK);
        }
      }
    }
    const copies = [18000, 19000, 20000].flatMap((base) =>
      ports(withEnv({ AGORA_BASE_PORT: base, AGORA_STATE_DIR: `/tmp/agora-${base}` }, () => topology("test"))),
    );
    expect(duplicates(copies)).toEqual([]);
  });

  it("gives the second region's ports, its failover workers' included, a place of their own inside the copy's block", () => {
    const regions = process.env.AGORA_REGIONS;
    process.env.AGORA_REGIONS = "2";
    try {
      for (const base of [18000, 19000, 20400]) {
        for (const p of profiles) {
          const t = withEnv({ AGORA_BASE_PORT: base, AGORA_STATE_DIR: `/tmp/agora-${base}` }, () => topology(p));
          const us = t.remoteRegions[0]!;
          const workers = Object.values(us.failoverWorkers.workerMetrics);
          const usPorts = [
            ...[...us.redis.nodes, ...us.redis.sentinels].map((n) => ({ path: `us.redis.${n.name}`, port: n.port })),
            ...us.coreStandby.nodes.flatMap((m) => [
              { path: `us.${m.name}.pg`, port: m.pgPort },
              { path: `us.${m.name}.rest`, port: m.restPort },
            ]),
            ...us.storefront.map((port, i) => ({ path: `us.storefront[${i}]`, port })),
            ...us.failoverWorkers.inventory.map((port, i) => ({ path: `us.failoverWorkers.inventory[${i}]`, port })),
            { path: "us.failoverWorkers.carrierWebhook", port: us.failoverWorkers.carrierWebhook },
            ...Object.entries(us.failoverWorkers.workerMetrics).map(([w, port]) => ({ path: `us.failoverWorkers.workerMetrics.${w}`, port })),
            { path: "us.link.adminPort", port: us.link.adminPort },
            ...us.link.routes.map((r) => ({ path: `us.link.${r.name}`, port: r.listenPort })),
            { path: "us.globalEdge.port", port: us.globalEdge.port },
            { path: "us.globalEdge.statsPort", port: us.globalEdge.statsPort },
          ];
          expect(duplicates([...ports({ ...t, remoteRegions: [] }), ...usPorts])).toEqual([]);
          for (const { path, port } of usPorts) {
            expect(port, path).toBeGreaterThanOrEqual(base);
            expect(port, path).toBeLessThan(base + PORT_BLOCK);
          }
          // One contiguous run from +732, ending before the us storefront's first port.
          expect(workers).toEqual(workers.map((_, i) => base + 732 + i));
          expect(Math.max(...workers)).toBeLessThan(Math.min(...us.storefront));
        }
      }
    } finally {
      if (regions === undefined) delete process.env.AGORA_REGIONS;
      else process.env.AGORA_REGIONS = regions;
    }
  });

  it("refuses a private copy's base port whose block reaches into the kernel's ephemeral range, or the privileged ports", () => {
    const linux: [number, number] = [32768, 60999];
    expect(checkedBasePort("20400", linux)).toBe(20400);
    expect(checkedBasePort(String(32768 - PORT_BLOCK), linux)).toBe(32768 - PORT_BLOCK);
    expect(() => checkedBasePort(String(32768 - PORT_BLOCK + 1), linux)).toThrow(/ephemeral range 32768-60999/);
    expect(() => checkedBasePort("40000", linux)).toThrow(/choose a base at most 31968/);
    expect(checkedBasePort("61000", linux)).toBe(61000);
    for (const bad of ["80", "abc", "20400.5", "65000"]) expect(() => checkedBasePort(bad, linux), bad).toThrow(/AGORA_BASE_PORT/);
    expect(ephemeralPortRange(() => "32768\t60999\n")).toEqual([32768, 60999]);
    expect(ephemeralPortRange(() => "49152 65535")).toEqual([49152, 65535]);
    expect(
      ephemeralPortRange(() => {
        throw new Error("no /proc");
      }),
    ).toEqual([32768, 60999]);
  });

  it("keeps the default profiles clear of machine defaults, privileged ports and the ephemeral range", () => {
    for (const p of profiles) {
      for (const { path, port } of ports(withEnv({}, () => topology(p)))) {
        expect(MACHINE_DEFAULTS, path).not.toContain(port);
        expect(port, path).toBeGreaterThan(1024);
        expect(port, path).toBeLessThan(32768);
      }
    }
  });

  it("gives each profile and each private copy disjoint state folders and its own etcd namespace", () => {
    const copies = [
      ...profiles.map((p) => withEnv({}, () => topology(p))),
      ...profiles.map((p) => withEnv({ AGORA_BASE_PORT: 18000, AGORA_STATE_DIR: `/tmp/agora-a/${p}` }, () => topology(p))),
      ...profiles.map((p) => withEnv({ AGORA_BASE_PORT: 19000, AGORA_STATE_DIR: `/tmp/agora-b/${p}` }, () => topology(p))),
    ];
    for (const [i, a] of copies.entries()) {
      for (const b of copies.slice(i + 1)) {
        expect(inside(a.stateDir, b.stateDir) || inside(b.stateDir, a.stateDir), `${a.stateDir} vs ${b.stateDir}`).toBe(false);
        expect(inside(a.pgRoot, b.pgRoot) || inside(b.pgRoot, a.pgRoot), `${a.pgRoot} vs ${b.pgRoot}`).toBe(false);
        expect(a.profile.namespace).not.toBe(b.profile.namespace);
      }
    }
  });

  it("writes every file of a copy inside its own state folder or Postgres root, and no two processes share a file", () => {
    for (const p of profiles) {
      const t = withEnv({ AGORA_BASE_PORT: 18000, AGORA_STATE_DIR: `/tmp/agora-files/${p}` }, () => topology(p));
      const files = paths(t).filter((f) => f !== t.stateDir && f !== t.pgRoot && f !== t.logDir);
      for (const f of files) expect(inside(f, t.stateDir) || inside(f, t.pgRoot), f).toBe(true);
      const perProcess = [
        ...t.etcd.flatMap((e) => [e.dataDir, e.logFile]),
        ...t.clusters.flatMap((c) => c.nodes.flatMap((n) => [n.dataDir, n.configFile, n.logFile])),
        ...[...t.redis.nodes, ...t.redis.sentinels].flatMap((n) => [n.dir, n.configFile, n.logFile]),
        t.haproxy.configFile,
        t.haproxy.logFile,
      ];
      expect(new Set(perProcess).size).toBe(perProcess.length);
    }
  });

  it("gives every cluster a replica, and every synchronous cluster a third member to promote after a second failure", () => {
    for (const p of profiles) {
      for (const c of withEnv({}, () => topology(p)).clusters) {
        expect(c.nodes.length, c.name).toBeGreaterThanOrEqual(2);
        if (c.synchronous) expect(c.nodes.length, c.name).toBeGreaterThanOrEqual(3);
        expect(new Set(c.nodes.map((n) => n.name)).size).toBe(c.nodes.length);
      }
    }
  });
});
