/**
 * The servers of the remote region (`--regions 2`). The region link comes first, before etcd
 * (`upRegionLink`, from the launcher's `up`): everything between the sites crosses it, etcd's
 * quorum included. Then, once eu is ready (`upRegions`), the region's Redis + Sentinels and the
 * standby cluster of core, which bootstraps with a base backup over the link and then streams from
 * eu, the arbiter and the global edge. `downRegions` runs before eu's clusters stop; the link
 * stops last, after etcd.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { redisAuth, redisConfig, redisTls, sentinelAuth, sentinelConfig, withAuth } from "../config/redis.ts";
import { redisReplication, sentinelMaster, withRedis } from "../probes/redis.ts";
import { isOurs, type ProcessRecord, readRegistry, removeRecord } from "../processes/registry.ts";
import { chownToPostgres, startProcess } from "../processes/spawn.ts";
import { waitFor } from "../processes/wait.ts";
import { heldProcesses } from "../supervisor/control.ts";
import { ensureInternalCerts } from "../security/internal-tls.ts";
import { ensurePostgresCerts } from "../security/postgres-tls.ts";
import {
  REPO_ROOT,
  type RedisNode,
  regionsFile,
  regionView,
  type RemoteRegion,
  secrets,
  type Topology,
} from "../topology.ts";
import { GLOBAL_EDGE, writeGlobalEdgeConfig } from "./global-edge.ts";
import { standbyPatroniConfig, standbyStreaming } from "./standby-cluster.ts";

export const REGION_LINK = "region-link";
export const REGION_ARBITER = "region-arbiter";

type Log = (line: string) => void;

/** What `up` needs from the launcher (passed in: the launcher imports this module). */
export interface LauncherParts {
  startRedisNode: (t: Topology, name: string) => void;
  startPgMember: (t: Topology, m: RemoteRegion["coreStandby"]["nodes"][number]) => ProcessRecord;
  stopPgMember: (t: Topology, m: RemoteRegion["coreStandby"]["nodes"][number]) => Promise<void>;
  stopRecord: (rec: ProcessRecord) => Promise<void>;
}

function prepare(t: Topology, r: RemoteRegion): void {
  const v = regionView(t, r);
  const s = secrets(t);
  for (const m of r.coreStandby.nodes) {
    const dir = dirname(m.dataDir);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chownToPostgres(dir);
  }
  // The region's servers get their pairs from the same CA (Redis, Sentinel, Patroni REST, Postgres).
  ensurePostgresCerts(v);
  ensureInternalCerts(v);
  for (const m of r.coreStandby.nodes) {
    writeFileSync(m.configFile, JSON.stringify(standbyPatroniConfig(t, r, m, s), null, 2), { mode: 0o600 });
    chownToPostgres(m.configFile);
  }
  const [primary, replica] = r.redis.nodes;
  if (!primary || !replica) throw new Error(`region ${r.name} needs two redis nodes`);
  for (const n of [...r.redis.nodes, ...r.redis.sentinels]) mkdirSync(n.dir, { recursive: true });
  // As for eu (launcher.ts): Sentinel rewrites these files, so they are written once.
  const write = (n: RedisNode, fresh: () => string, auth: string[]) =>
    writeFileSync(n.configFile, existsSync(n.configFile) ? withAuth(readFileSync(n.configFile, "utf8"), auth) : fresh(), {
      mode: 0o600,
    });
  const pw = s.redisPassword;
  write(primary, () => redisConfig(v, primary, pw), [...redisTls(v, primary), ...redisAuth(pw)]);
  write(replica, () => redisConfig(v, replica, pw, primary.port), [...redisTls(v, replica), ...redisAuth(pw)]);
  for (const x of r.redis.sentinels)
    write(x, () => sentinelConfig(v, x, primary.port, pw), [...redisTls(v, x), ...sentinelAuth(v, pw)]);
}

function running(t: Topology, name: string): ProcessRecord | undefined {
  const rec = readRegistry(t.pidFile).find((x) => x.name === name);
  return rec && isOurs(rec) ? rec : undefined;
}

async function linkAnswers(t: Topology, r: RemoteRegion): Promise<boolean> {
  const res = await fetch(`http://${t.host}:${r.link.adminPort}/healthz`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
  return res?.ok === true;
}

/** Resolves once the region link answers its /healthz (after a start or a restart). */
export async function waitRegionLink(t: Topology, r: RemoteRegion, timeoutMs = 30_000): Promise<void> {
  await waitFor("region link /healthz", () => linkAnswers(t, r), { timeoutMs, process: REGION_LINK, logFile: r.link.logFile });
}

/** A Node process of the region machinery (the link, the arbiter), run with tsx, under the registry. */
function startRegionProcess(
  t: Topology,
  o: { name: string; script: string; logFile: string; port?: number; env?: Record<string, string> },
): ProcessRecord {
  const rec = running(t, o.name);
  if (rec) return rec;
  return startProcess(t.pidFile, {
    name: o.name,
    kind: "app",
    command: process.execPath,
    args: ["--import", "tsx", join(REPO_ROOT, "infra/local/src/regions", o.script)],
    cwd: REPO_ROOT,
    logFile: o.logFile,
    ...(o.port !== undefined ? { port: o.port } : {}),
    env: {
      AGORA_PROFILE: t.profile.name,
      AGORA_STATE_DIR: t.stateDir,
      AGORA_REGIONS: "2",
      ...(process.env.AGORA_BASE_PORT ? { AGORA_BASE_PORT: process.env.AGORA_BASE_PORT } : {}),
      ...o.env,
    },
    match: o.script.replace(/\.ts$/, ""),
  });
}

export function startRegionLink(t: Topology, r: RemoteRegion): ProcessRecord {
  return startRegionProcess(t, { name: REGION_LINK, script: "region-link-process.ts", logFile: r.link.logFile, port: r.link.adminPort });
}

/** The region's arbiter (arbiter-process.ts): automatic promotion through the etcd quorum. */
export function startRegionArbiter(t: Topology, r: RemoteRegion): ProcessRecord {
  const mode = process.env.AGORA_REGION_PROMOTION;
  return startRegionProcess(t, {
    name: REGION_ARBITER,
    script: "arbiter-process.ts",
    logFile: r.arbiter.logFile,
    ...(mode ? { env: { AGORA_REGION_PROMOTION: mode } } : {}),
  });
}

const HAPROXY_BIN = process.env.AGORA_HAPROXY_BIN ?? "/usr/sbin/haproxy";

/** The global edge (global-edge.ts): restarted when its configuration changed, else left running. */
export async function startGlobalEdge(t: Topology, r: RemoteRegion, stopRecord: LauncherParts["stopRecord"]): Promise<void> {
  const changed = writeGlobalEdgeConfig(t, r);
  const rec = running(t, GLOBAL_EDGE);
  if (rec && !changed) return;
  if (rec) {
    await stopRecord(rec);
    removeRecord(t.pidFile, GLOBAL_EDGE);
  }
  startProcess(t.pidFile, {
    name: GLOBAL_EDGE,
    kind: "haproxy",
    command: HAPROXY_BIN,
    args: ["-db", "-f", r.globalEdge.configFile],
    logFile: r.globalEdge.logFile,
    port: r.globalEdge.statsPort,
    match: r.globalEdge.configFile,
  });
}

/** Starts the link between the regions and the witness (idempotent) and waits until it answers. */
export async function upRegionLink(t: Topology, r: RemoteRegion, log: Log): Promise<void> {
  if (!running(t, REGION_LINK)) log(`region link: eu ⇄ ${r.name}, witness (${r.link.routes.length} routes) …`);
  startRegionLink(t, r);
  await waitRegionLink(t, r);
}

/** Brings every remote region's servers up (idempotent) and waits until the standby streams. */
export async function upRegions(t: Topology, parts: LauncherParts, log: Log): Promise<void> {
  if (t.remoteRegions.length === 0) return;
  writeFileSync(regionsFile(t.stateDir), JSON.stringify({ regions: 1 + t.remoteRegions.length }));
  for (const r of t.remoteRegions) {
    const v = regionView(t, r);
    prepare(t, r);
    // The link is up already: `up` starts it before etcd.
    log(`region ${r.name}: Redis primary + replica, Sentinel ×${r.redis.sentinels.length}; core standby ×${r.coreStandby.nodes.length} …`);
    for (const n of [...r.redis.nodes, ...r.redis.sentinels]) parts.startRedisNode(v, n.name);
    for (const m of r.coreStandby.nodes) parts.startPgMember(v, m);
    for (const n of r.redis.nodes)
      await waitFor("PONG", () => withRedis(v, n.port, async (x) => (await x.ping()) === "PONG"), {
        timeoutMs: 20_000,
        process: n.name,
        logFile: n.logFile,
      });
    await waitFor(
      "a replica with its link up",
      async () => {
        for (const n of r.redis.nodes) {
          const info = await redisReplication(v, n.port).catch(() => undefined);
          if (info?.role === "slave" && info.master_link_status === "up") return true;
        }
        return false;
      },
      { timeoutMs: 20_000, process: `redis (${r.name})`, logFile: r.redis.nodes[1]?.logFile },
    );
    for (const x of r.redis.sentinels)
      await waitFor("sentinel to know the master", () => sentinelMaster(v, x.port), { timeoutMs: 20_000, process: x.name, logFile: x.logFile });
    // A base backup of core over the link, then streaming: minutes at most on a loaded box.
    for (const m of r.coreStandby.nodes)
      await waitFor("standby leader streaming from eu (through the region link)", () => standbyStreaming(t, m), {
        timeoutMs: 240_000,
        process: m.name,
        logFile: m.logFile,
      });
    // The arbiter only once the copy streams (a promotion needs one), and not while an operator's
    // drill holds it down (failback starts it again).
    if (!heldProcesses(t).has(REGION_ARBITER)) {
      log(`region ${r.name}: arbiter (automatic promotion through the etcd quorum${process.env.AGORA_REGION_PROMOTION === "manual" ? ", advisory only" : ""}) …`);
      startRegionArbiter(t, r);
    }
    log(`region ${r.name}: global edge on :${r.globalEdge.port} (clients by X-Agora-Client-Region) …`);
    await startGlobalEdge(t, r, parts.stopRecord);
  }
}

/** Stops the remote regions' servers (the link stays: launcher `down` stops it after etcd). */
export async function downRegions(t: Topology, parts: LauncherParts, log: Log, opts: { wipe?: boolean } = {}): Promise<void> {
  const recs = readRegistry(t.pidFile);
  for (const r of t.remoteRegions) {
    const v = regionView(t, r);
    if (r.coreStandby.nodes.some((m) => recs.some((x) => x.name === m.name)))
      log(`stopping ${r.coreStandby.nodes.map((m) => m.name).join(", ")}`);
    await Promise.all(r.coreStandby.nodes.map((m) => parts.stopPgMember(v, m)));
    const redis = recs.filter((x) => [...r.redis.nodes, ...r.redis.sentinels].some((n) => n.name === x.name));
    if (redis.length) log(`stopping ${redis.map((x) => x.name).join(", ")}`);
    await Promise.all(redis.map((x) => parts.stopRecord(x)));
    for (const x of redis) removeRecord(t.pidFile, x.name);
  }
  // The link itself stops after eu's etcd (launcher `down`): etcd's peers in other sites reach each other through it.
  if (opts.wipe) rmSync(regionsFile(t.stateDir), { force: true });
}
