/**
 * Brings the local HA topology up and down as plain processes: etcd ×3 (Raft), Patroni-managed
 * Postgres clusters, HAProxy, Redis primary + replica, 3 Sentinels and the nginx CDN edge. Start-up waits on real
 * health (Patroni leader + streaming replicas, HAProxy routing, Sentinel agreement) and names the
 * process and its log when something does not come up.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { etcdArgs } from "./config/etcd.ts";
import { databaseStateFileOf, haproxyConfig, runtimeSocketOf } from "./config/haproxy.ts";
import { runtimeCommand, saveServerState } from "./gateway/runtime-api.ts";
import { cdnConfig, cdnPaths } from "./config/nginx.ts";
import { PATRONI_DYNAMIC, patroniConfig, patroniDynamic, socketDir } from "./config/patroni.ts";
import {
  redisAuth,
  redisConfig,
  redisTls,
  sentinelAuth,
  sentinelConfig,
  sentinelTimingArgs,
  withAuth,
} from "./config/redis.ts";
import { cdnInstanceHealthy } from "./probes/cdn.ts";
import { EDGE_INSTANCE_ENV, edgeTag } from "./edge/strays.ts";
import { etcdStatus } from "./probes/etcd.ts";
import { memberIsPrimary, memberIsStreamingReplica, patroniCluster, patroniRest } from "./probes/patroni.ts";
import { haproxyServers, routable } from "./probes/haproxy.ts";
import { redisReplication, sentinelMaster, withRedis } from "./probes/redis.ts";
import {
  type ProcessRecord,
  cmdline,
  descendants,
  isAlive,
  isOurs,
  readRegistry,
  removeRecord,
  writeRegistry,
} from "./processes/registry.ts";
import { chownToPostgres, startProcess } from "./processes/spawn.ts";
import { ensureInternalCerts } from "./security/internal-tls.ts";
import { ensurePostgresCerts } from "./security/postgres-tls.ts";
import { StartupError, waitFor } from "./processes/wait.ts";
import { SUPERVISOR } from "./supervisor/control.ts";
import { downRegions, REGION_LINK, upRegionLink, upRegions } from "./regions/region-servers.ts";
import { holdsCorePrimary } from "./regions/failover-state.ts";
import {
  type ClusterTopology,
  type HaproxyInstance,
  type PgMember,
  type RedisNode,
  type Topology,
  cluster as clusterOf,
  databaseUrl,
  memberUrl,
  secrets,
} from "./topology.ts";

export type Log = (line: string) => void;
const quiet: Log = () => {};

const PATRONI_BIN = process.env.AGORA_PATRONI_BIN ?? "/usr/bin/patroni";
const ETCD_BIN = process.env.AGORA_ETCD_BIN ?? "/usr/bin/etcd";
const HAPROXY_BIN = process.env.AGORA_HAPROXY_BIN ?? "/usr/sbin/haproxy";
const REDIS_BIN = process.env.AGORA_REDIS_BIN ?? "/usr/bin/redis-server";
const SENTINEL_BIN = process.env.AGORA_SENTINEL_BIN ?? "/usr/bin/redis-sentinel";
const NGINX_BIN = process.env.AGORA_NGINX_BIN ?? "/usr/sbin/nginx";

/** Returns the HAProxy instances whose configuration changed (a running one must be restarted). */
function prepareFolders(t: Topology): HaproxyInstance[] {
  for (const d of [t.stateDir, t.logDir, ...t.haproxyInstances.map((i) => dirname(i.configFile))])
    mkdirSync(d, { recursive: true });
  for (const e of t.etcd) mkdirSync(dirname(e.dataDir), { recursive: true });
  mkdirSync(t.pgRoot, { recursive: true });
  chownToPostgres(t.pgRoot);
  // The unix sockets' folder: the postgres user's only (Postgres creates sockets in it).
  const sockets = socketDir(t);
  mkdirSync(dirname(sockets), { recursive: true });
  mkdirSync(sockets, { recursive: true, mode: 0o700 });
  chmodSync(sockets, 0o700);
  chownToPostgres(sockets);
  const s = secrets(t);
  for (const c of t.clusters) {
    for (const m of c.nodes) {
      const dir = dirname(m.dataDir);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chownToPostgres(dir);
    }
  }
  // The servers' TLS pairs (issued once, renewed close to expiry) before their configuration.
  ensurePostgresCerts(t);
  ensureInternalCerts(t);
  for (const c of t.clusters) {
    for (const m of c.nodes) {
      writeFileSync(m.configFile, JSON.stringify(patroniConfig(t, c, m, s), null, 2), { mode: 0o600 });
      chownToPostgres(m.configFile);
    }
  }
  const haproxyChanged = t.haproxyInstances.filter((i) => {
    const cfg = haproxyConfig(t, { instance: i });
    const changed = !existsSync(i.configFile) || readFileSync(i.configFile, "utf8") !== cfg;
    if (changed) writeFileSync(i.configFile, cfg);
    return changed;
  });
  const [primary, replica] = t.redis.nodes;
  if (!primary || !replica) throw new Error("topology needs two redis nodes");
  for (const n of [...t.redis.nodes, ...t.redis.sentinels]) mkdirSync(n.dir, { recursive: true });
  // Sentinel rewrites these files on failover: write them once so a restart keeps the new roles,
  // and only (re)state the password directives in a file that exists.
  const write = (n: RedisNode, fresh: () => string, auth: string[]) =>
    writeFileSync(
      n.configFile,
      existsSync(n.configFile) ? withAuth(readFileSync(n.configFile, "utf8"), auth) : fresh(),
      { mode: 0o600 },
    );
  const pw = s.redisPassword;
  write(primary, () => redisConfig(t, primary, pw), [...redisTls(t, primary), ...redisAuth(pw)]);
  write(replica, () => redisConfig(t, replica, pw, primary.port), [...redisTls(t, replica), ...redisAuth(pw)]);
  for (const s2 of t.redis.sentinels) {
    write(s2, () => sentinelConfig(t, s2, primary.port, pw), [...redisTls(t, s2), ...sentinelAuth(t, pw)]);
  }
  return haproxyChanged;
}

function running(t: Topology, name: string): ProcessRecord | undefined {
  const r = readRegistry(t.pidFile).find((x) => x.name === name);
  return r && isOurs(r) ? r : undefined;
}

/**
 * etcd data whose Raft membership has other peer URLs than the members now advertise — from
 * before etcd spoke TLS (http URLs), or from the other region layout (one region: each member's
 * own peer port; two: the region link's listener for it) — names peers nobody answers at: it is
 * dropped once (what it held is rebuilt at once — Patroni re-registers its running clusters from
 * their data, instances re-register with new leases). Found by the peer URL in the member's WAL or
 * database.
 */
function resetEtcdOfOtherLayout(t: Topology, log: Log): void {
  // Members started by an older checkout keep running as they are until they are stopped.
  if (t.etcd.some((e) => running(t, e.name))) return;
  const other = t.etcd.filter((e) => {
    const needle = Buffer.from(`https://${t.host}:${e.advertisedPeerPort}`);
    const walDir = join(e.dataDir, "member", "wal");
    const files = [
      join(e.dataDir, "member", "snap", "db"),
      ...(existsSync(walDir) ? readdirSync(walDir).map((f) => join(walDir, f)) : []),
    ].filter((f) => existsSync(f));
    return files.length > 0 && !files.some((f) => readFileSync(f).includes(needle));
  });
  if (other.length === 0) return;
  log(`etcd data with other peer addresses (TLS or region layout changed): starting the members afresh (${other.map((e) => e.name).join(", ")})`);
  for (const e of t.etcd) rmSync(e.dataDir, { recursive: true, force: true });
}

export function startEtcd(t: Topology): void {
  for (const e of t.etcd) {
    if (running(t, e.name)) continue;
    startProcess(t.pidFile, {
      name: e.name,
      kind: "etcd",
      command: ETCD_BIN,
      args: etcdArgs(t, e),
      logFile: e.logFile,
      port: e.clientPort,
      match: `--name ${e.name}`,
    });
  }
}

/** Starts one Patroni member (which starts, bootstraps or clones its Postgres). */
export function startPgMember(t: Topology, m: PgMember): ProcessRecord {
  const existing = running(t, m.name);
  if (existing) return existing;
  return startProcess(t.pidFile, {
    name: m.name,
    kind: "patroni",
    command: PATRONI_BIN,
    args: [m.configFile],
    logFile: m.logFile,
    port: m.pgPort,
    asPostgres: true,
    // Its own folder, not the caller's: a checkout in a private folder (mode 0700) would leave
    // Patroni's bootstrap helpers unable to enter their working directory.
    cwd: dirname(m.configFile),
    match: m.configFile,
  });
}

/** One HAProxy instance (its configuration is written by prepareFolders / writeHaproxyConfig). */
export function startHaproxyInstance(t: Topology, i: HaproxyInstance): ProcessRecord {
  const existing = running(t, i.name);
  if (existing) return existing;
  if (!existsSync(i.configFile)) writeHaproxyConfig(t, i);
  return startProcess(t.pidFile, {
    name: i.name,
    kind: "haproxy",
    command: HAPROXY_BIN,
    args: ["-db", "-f", i.configFile],
    logFile: i.logFile,
    port: i.statsPort,
    match: i.configFile,
    env: { [EDGE_INSTANCE_ENV]: edgeTag(t.stateDir, i.name) },
  });
}

/**
 * Before (re)starting an instance: its database backends' starting states from a live sibling
 * (see databaseStateFileOf); without one, none (it starts from its own checks, as at first start).
 */
export async function seedDatabaseStates(t: Topology, i: HaproxyInstance): Promise<string | undefined> {
  const file = databaseStateFileOf(i);
  for (const sibling of t.haproxyInstances.filter((x) => x.name !== i.name)) {
    const states = await runtimeCommand(runtimeSocketOf(sibling), "show servers state", 1_000).catch(() => undefined);
    if (!states?.startsWith("1\n")) continue;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.tmp`, states);
    renameSync(`${file}.tmp`, file);
    return sibling.name;
  }
  rmSync(file, { force: true });
  return undefined;
}

export function writeHaproxyConfig(t: Topology, i: HaproxyInstance): void {
  mkdirSync(dirname(i.configFile), { recursive: true });
  writeFileSync(i.configFile, haproxyConfig(t, { instance: i }));
}

/** Every HAProxy instance (they share the frontends' addresses: SO_REUSEPORT). */
export function startHaproxy(t: Topology): void {
  for (const i of t.haproxyInstances) startHaproxyInstance(t, i);
}

/** One media CDN edge (nginx, foreground, its own prefix: nothing outside the state folder). */
export function startCdnInstance(t: Topology, name: string): ProcessRecord {
  const existing = running(t, name);
  if (existing) return existing;
  const p = cdnPaths(t, name);
  for (const d of [p.dir, p.cacheDir, p.tempDir]) mkdirSync(d, { recursive: true });
  writeFileSync(p.configFile, cdnConfig(t, name));
  return startProcess(t.pidFile, {
    name,
    kind: "nginx",
    command: NGINX_BIN,
    // -e: nginx opens its error log before reading the config; keep that out of /var/log too.
    args: ["-p", p.dir, "-e", p.errorLog, "-c", p.configFile],
    logFile: p.errorLog,
    port: t.apps.cdn,
    match: p.configFile,
    // nginx's workers outlive a killed master and keep serving: the tag finds them (edge/strays.ts).
    env: { [EDGE_INSTANCE_ENV]: edgeTag(t.stateDir, name) },
  });
}

/** Every CDN edge instance (one address, `reuseport`). */
export function startCdn(t: Topology): void {
  for (const i of t.cdnInstances) startCdnInstance(t, i.name);
}

export function startRedisNode(t: Topology, name: string): void {
  const n = [...t.redis.nodes, ...t.redis.sentinels].find((x) => x.name === name);
  if (!n) throw new Error(`unknown redis node ${name}`);
  if (running(t, n.name)) return;
  const sentinel = n.name.startsWith("sentinel");
  startProcess(t.pidFile, {
    name: n.name,
    kind: sentinel ? "sentinel" : "redis",
    command: sentinel ? SENTINEL_BIN : REDIS_BIN,
    args: [n.configFile],
    logFile: n.logFile,
    port: n.port,
    cwd: n.dir,
    match: `:${n.port}`,
  });
}

/**
 * Stops and starts one Redis node or Sentinel and waits until it answers (a Sentinel also until
 * it knows the master again): how a Sentinel picks up a rotated certificate.
 */
export async function restartRedisNode(t: Topology, name: string): Promise<void> {
  const n = [...t.redis.nodes, ...t.redis.sentinels].find((x) => x.name === name);
  if (!n) throw new Error(`unknown redis node ${name}`);
  const rec = running(t, n.name);
  if (rec) await stopRecord(rec);
  removeRecord(t.pidFile, n.name);
  startRedisNode(t, n.name);
  const sentinel = n.name.startsWith("sentinel");
  await waitFor(
    sentinel ? "sentinel to know the master" : "PONG",
    async () =>
      sentinel ? (await sentinelMaster(t, n.port)) !== undefined : withRedis(t, n.port, async (r) => (await r.ping()) === "PONG"),
    { timeoutMs: 20_000, process: n.name, logFile: n.logFile },
  );
}

/** Postmaster PID of a member, from its data folder (Patroni's child; survives a killed Patroni). */
export function postmasterPid(m: PgMember): number | undefined {
  const f = join(m.dataDir, "postmaster.pid");
  try {
    const pid = Number(readFileSync(f, "utf8").split("\n")[0]);
    return pid > 0 && isAlive(pid) ? pid : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" || (err as NodeJS.ErrnoException).code === "EACCES") {
      return undefined;
    }
    throw err;
  }
}

async function waitEtcd(t: Topology): Promise<void> {
  for (const e of t.etcd) {
    await waitFor("etcd health", async () => (await etcdStatus(e)).healthy, {
      timeoutMs: 30_000,
      process: e.name,
      logFile: e.logFile,
    });
  }
}

/** A cluster is ready when a leader runs read-write and every other member streams from it. */
export async function waitClusterReady(t: Topology, c: ClusterTopology, timeoutMs = 90_000): Promise<string> {
  const leader = await waitFor(
    "a Patroni leader",
    async () => {
      for (const n of c.nodes) if (await memberIsPrimary(n)) return n;
      return undefined;
    },
    { timeoutMs, process: `cluster ${c.name}`, logFile: c.nodes[0]?.logFile },
  );
  for (const n of c.nodes) {
    if (n.name === leader.name) continue;
    await waitFor("streaming replica", () => memberIsStreamingReplica(n), {
      timeoutMs,
      process: n.name,
      logFile: n.logFile,
    });
  }
  if (c.synchronous) {
    await waitFor(
      "a synchronous standby",
      async () => (await patroniCluster(c))?.syncStandby,
      { timeoutMs, process: `cluster ${c.name}`, logFile: leader.logFile },
    );
  }
  return leader.name;
}

async function canQuery(url: string, sql: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on("error", () => {
    // the failed query below reports it
  });
  try {
    await client.connect();
    await client.query(sql);
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * HAProxy considers servers UP until their first failed checks, so a fresh HAProxy may briefly
 * send read-write traffic to a replica. Ready means: every server checked, the rw backend routes
 * to the leader only, the ro backend to replicas only.
 */
async function waitHaproxy(t: Topology, leaders: Record<string, string>): Promise<void> {
  for (const i of t.haproxyInstances) await waitHaproxyInstance(t, i, leaders);
}

/** One instance routes every database backend by role (a restarted instance waits for this too). */
export async function waitHaproxyInstance(
  t: Topology,
  i: HaproxyInstance,
  leaders?: Record<string, string>,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    "every backend to route by role (rw → leader, ro → replicas)",
    async () => {
      // The database backends only: the edge's spare server slots sit in maintenance, unchecked.
      const clusterBackends = new Set(t.clusters.flatMap((c) => [`${c.name}_rw`, `${c.name}_ro`]));
      const servers = (await haproxyServers(t, 800, i)).filter((x) => clusterBackends.has(x.backend));
      if (servers.some((x) => x.checkStatus.startsWith("INI") || x.checkStatus === "")) return false;
      // Without known leaders (a restart by the supervisor): one primary per cluster is routed.
      if (!leaders) return t.clusters.every((c) => routable(servers, `${c.name}_rw`).length === 1);
      return t.clusters.every((c) => {
        const rw = routable(servers, `${c.name}_rw`);
        const ro = routable(servers, `${c.name}_ro`);
        const replicas = c.nodes.map((n) => n.name).filter((n) => n !== leaders[c.name]);
        return rw.length === 1 && rw[0] === leaders[c.name] && ro.length === replicas.length && ro.every((r) => replicas.includes(r));
      });
    },
    { timeoutMs, process: i.name, logFile: i.logFile },
  );
  if (!leaders) return;
  for (const c of t.clusters) {
    const url = databaseUrl(t, c.name, "rw", { as: "superuser", database: "postgres" });
    await waitFor(
      `HAProxy ${c.name} rw port ${c.rwPort} to reach the primary`,
      () => canQuery(url, "select 1 where not pg_is_in_recovery()").catch(() => false),
      { timeoutMs: 30_000, process: "haproxy", logFile: t.haproxy.logFile },
    );
  }
}

async function waitRedis(t: Topology): Promise<void> {
  const [primary, replica] = t.redis.nodes;
  if (!primary || !replica) throw new Error("topology needs two redis nodes");
  for (const n of t.redis.nodes) {
    await waitFor("PONG", () => withRedis(t, n.port, async (r) => (await r.ping()) === "PONG"), {
      timeoutMs: 20_000,
      process: n.name,
      logFile: n.logFile,
    });
  }
  await waitFor(
    "a replica with its link up",
    async () => {
      for (const n of t.redis.nodes) {
        const info = await redisReplication(t, n.port).catch(() => undefined);
        if (info?.role === "slave" && info.master_link_status === "up") return true;
      }
      return false;
    },
    { timeoutMs: 20_000, process: "redis", logFile: replica.logFile },
  );
  for (const s of t.redis.sentinels) {
    await waitFor("sentinel to know the master", () => sentinelMaster(t, s.port), {
      timeoutMs: 20_000,
      process: s.name,
      logFile: s.logFile,
    });
  }
}

/**
 * Patroni takes `bootstrap.dcs` only when a cluster is created; a cluster that already exists keeps
 * the timing and failsafe mode in its DCS `/config`. This brings it to PATRONI_DYNAMIC (a PATCH,
 * which every member picks up on its next loop), so a changed setting reaches existing state folders too.
 */
export async function ensurePatroniDynamicConfig(t: Topology, c: ClusterTopology, leaderName: string, log: Log = quiet): Promise<void> {
  const leader = c.nodes.find((n) => n.name === leaderName);
  if (!leader) return;
  const r = await patroniRest(leader, "/config");
  if (r.status !== 200) throw new StartupError(`${c.name}: Patroni /config answered ${r.status}`, leader.name, leader.logFile);
  const current = JSON.parse(r.body) as Partial<Record<keyof typeof PATRONI_DYNAMIC, number | boolean>>;
  const wanted = patroniDynamic(t, c);
  const keys = Object.keys(wanted) as (keyof typeof PATRONI_DYNAMIC)[];
  if (!keys.some((k) => current[k] !== wanted[k])) return;
  log(`${c.name}: Patroni ${JSON.stringify(Object.fromEntries(keys.map((k) => [k, current[k] ?? null])))} → ${JSON.stringify(wanted)}`);
  const p = await patroniRest(leader, "/config", { patch: wanted });
  if (p.status !== 200) throw new StartupError(`${c.name}: Patroni refused its dynamic settings (${p.status} ${p.body})`, leader.name, leader.logFile);
}

/**
 * Sentinels keep their timing in the config file they rewrite themselves, so a changed
 * SENTINEL_TIMING is set on each running Sentinel (which saves it to its file).
 */
async function ensureSentinelTiming(t: Topology): Promise<void> {
  for (const s of t.redis.sentinels) {
    await withRedis(t, s.port, (r) => r.call("SENTINEL", "SET", ...sentinelTimingArgs(t)), 2000);
  }
}

export interface UpReport {
  profile: string;
  ms: number;
  leaders: Record<string, string>;
  alreadyRunning: boolean;
}

/** Starts every server of the topology (idempotent: running members are left alone). */
export async function up(t: Topology, log: Log = quiet): Promise<UpReport> {
  const t0 = Date.now();
  // After a region failover us holds core's primary: starting eu's core would make a second one.
  const promoted = t.remoteRegions.find((r) => holdsCorePrimary(r));
  if (promoted)
    throw new Error(`region ${promoted.name} holds core's primary since a region failover: run npm run region -- failback first (docs/runbooks/region-failover.md)`);
  const before = readRegistry(t.pidFile).filter(isOurs);
  writeRegistry(t.pidFile, before);
  const alreadyRunning = before.length > 0;
  const haproxyChanged = prepareFolders(t);

  // With two regions etcd's members are spread over eu, us and the witness: their peers reach each
  // other through the region link, which therefore comes up first (and goes down last).
  for (const r of t.remoteRegions) await upRegionLink(t, r, log);
  log(`etcd ×${t.etcd.length} (Raft${t.remoteRegions.length ? `: ${t.etcd.map((e) => `${e.name} in ${e.location}`).join(", ")}` : ""}) …`);
  resetEtcdOfOtherLayout(t, log);
  startEtcd(t);
  await waitEtcd(t);

  log(`Redis primary + replica, Sentinel ×${t.redis.sentinels.length} …`);
  for (const n of [...t.redis.nodes, ...t.redis.sentinels]) startRedisNode(t, n.name);

  log(`Patroni/Postgres: ${t.clusters.map((c) => `${c.name} ×${c.nodes.length}`).join(", ")} …`);
  for (const c of t.clusters) for (const m of c.nodes) startPgMember(t, m);
  const leaders: Record<string, string> = {};
  for (const c of t.clusters) leaders[c.name] = await waitClusterReady(t, c);
  for (const c of t.clusters) await ensurePatroniDynamicConfig(t, c, leaders[c.name] ?? "", log);

  log(`HAProxy ×${t.haproxyInstances.length} …`);
  // A state folder from the single-instance layout: its HAProxy and nginx hold the ports' old configuration.
  for (const legacy of ["haproxy", "cdn"]) {
    const rec = readRegistry(t.pidFile).find((r) => r.name === legacy && isOurs(r));
    if (rec) await stopRecord(rec);
    removeRecord(t.pidFile, legacy);
  }
  // A checkout updated while the topology ran (new routes, e.g. /socket.io/): load the new config,
  // one instance at a time, so the other keeps serving the shared ports meanwhile.
  for (const i of t.haproxyInstances) {
    const rec = readRegistry(t.pidFile).find((r) => r.name === i.name && isOurs(r));
    if (rec && haproxyChanged.includes(i)) {
      // The registry-routed servers' addresses and states survive the restart (server-state-file).
      await saveServerState(i).catch((err: Error) => log(`${i.name} server states not saved: ${err.message}`));
      await stopRecord(rec);
    }
    if (!rec || haproxyChanged.includes(i)) await seedDatabaseStates(t, i);
    startHaproxyInstance(t, i);
    await waitHaproxyInstance(t, i, leaders);
  }
  await waitHaproxy(t, leaders);
  await waitRedis(t);
  await ensureSentinelTiming(t);

  log(`nginx CDN edge ×${t.cdnInstances.length} …`);
  startCdn(t);
  for (const i of t.cdnInstances) {
    await waitFor(`${i.name} to answer /healthz`, () => cdnInstanceHealthy(t, i), {
      timeoutMs: 15_000,
      process: i.name,
      logFile: cdnPaths(t, i.name).errorLog,
    });
  }
  // The second region (`--regions 2`): its link, Redis and the standby of core, streaming from eu.
  await upRegions(t, { startRedisNode, startPgMember, stopPgMember, stopRecord }, log);
  return { profile: t.profile.name, ms: Date.now() - t0, leaders, alreadyRunning };
}

/** Alive and not a zombie (an orphan's zombie lingers until init reaps it). */
function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const cl = cmdline(pid);
  return cl !== undefined && cl !== "";
}

async function stopPid(pid: number, signal: NodeJS.Signals, timeoutMs: number): Promise<boolean> {
  try {
    process.kill(pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return true;
    throw err;
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await sleep(50);
  }
  return !isRunning(pid);
}

export async function stopRecord(rec: ProcessRecord, timeoutMs = 15_000): Promise<void> {
  if (isOurs(rec)) {
    if (!(await stopPid(rec.pid, "SIGTERM", timeoutMs))) await stopPid(rec.pid, "SIGKILL", 3000);
  }
}

/** Stops one Patroni member cleanly; also stops a Postgres left behind by a killed Patroni. */
export async function stopPgMember(t: Topology, m: PgMember): Promise<void> {
  const rec = readRegistry(t.pidFile).find((r) => r.name === m.name);
  if (rec) await stopRecord(rec, 30_000);
  const pm = postmasterPid(m);
  // SIGINT = Postgres "fast" shutdown.
  if (pm && !(await stopPid(pm, "SIGINT", 15_000))) await stopPid(pm, "SIGKILL", 3000);
  removeRecord(t.pidFile, m.name);
}

/**
 * Stop order that leaves clean state: apps → HAProxy → Patroni (replicas, then leaders) → etcd,
 * then Redis. Stopping etcd before Patroni would leave a stale leader lock behind.
 */
export async function down(t: Topology, log: Log = quiet, opts: { wipe?: boolean } = {}): Promise<void> {
  const recs = readRegistry(t.pidFile);
  const byKind = (k: ProcessRecord["kind"]) => recs.filter((r) => r.kind === k);
  // The supervisor first, or it would restart the apps this stops.
  // The region link stays until the remote region's standby has stopped (its DCS is behind it).
  const apps = byKind("app")
    .filter((r) => r.name !== REGION_LINK)
    .sort((a, b) => Number(b.name === SUPERVISOR) - Number(a.name === SUPERVISOR));
  for (const r of apps) {
    log(`stopping ${r.name} (pid ${r.pid})`);
    await stopRecord(r);
  }
  for (const r of [...byKind("nginx"), ...byKind("haproxy")]) {
    log(`stopping ${r.name} (pid ${r.pid})`);
    await stopRecord(r);
  }
  await downRegions(t, { startRedisNode, startPgMember, stopPgMember, stopRecord: (r) => stopRecord(r) }, log, opts);
  // All replicas (of every cluster) in parallel, then all leaders: a leader never sees its
  // replicas vanish after it stopped, and nothing waits on another cluster.
  const leaders = new Set<string>();
  for (const c of t.clusters) {
    const state = await patroniCluster(c, 500).catch(() => undefined);
    if (state?.leader) leaders.add(state.leader);
  }
  const members = t.clusters.flatMap((c) => c.nodes);
  for (const stage of [members.filter((m) => !leaders.has(m.name)), members.filter((m) => leaders.has(m.name))]) {
    if (stage.length) log(`stopping ${stage.map((m) => m.name).join(", ")}`);
    await Promise.all(stage.map((m) => stopPgMember(t, m)));
  }
  // What is still registered (the remote region's servers were stopped and removed above).
  const left = new Set(readRegistry(t.pidFile).map((r) => r.name));
  for (const stage of [byKind("etcd"), [...byKind("sentinel"), ...byKind("redis")]].map((s) => s.filter((r) => left.has(r.name)))) {
    if (stage.length) log(`stopping ${stage.map((r) => r.name).join(", ")}`);
    await Promise.all(stage.map((r) => stopRecord(r)));
  }
  // Last: etcd's members in other sites reached each other through it.
  const link = readRegistry(t.pidFile).find((x) => x.name === REGION_LINK);
  if (link) {
    log(`stopping ${REGION_LINK} (pid ${link.pid})`);
    await stopRecord(link);
    removeRecord(t.pidFile, REGION_LINK);
  }
  writeRegistry(t.pidFile, readRegistry(t.pidFile).filter(isOurs));
  if (opts.wipe) {
    rmSync(t.stateDir, { recursive: true, force: true });
    if (!t.pgRoot.startsWith(t.stateDir)) rmSync(t.pgRoot, { recursive: true, force: true });
    if (!socketDir(t).startsWith(t.pgRoot)) rmSync(socketDir(t), { recursive: true, force: true });
  }
}

/** Kills a member the hard way (SIGKILL Patroni and its Postgres), as a crash would. */
export function killPgMember(t: Topology, m: PgMember): { patroniPid?: number; postmasterPid?: number } {
  const rec = readRegistry(t.pidFile).find((r) => r.name === m.name);
  const patroniPid = rec && isOurs(rec) ? rec.pid : undefined;
  const pm = postmasterPid(m);
  // A crash takes every Postgres process with it: backends of a SIGKILLed postmaster would
  // otherwise keep serving their open connections for a while.
  const tree = pm ? [pm, ...descendants(pm)] : [];
  if (patroniPid) process.kill(patroniPid, "SIGKILL");
  for (const pid of tree) {
    try {
      process.kill(pid, "SIGKILL");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ESRCH") throw err;
    }
  }
  return { patroniPid, postmasterPid: pm };
}

export function patroniPid(t: Topology, m: PgMember): number | undefined {
  const rec = readRegistry(t.pidFile).find((r) => r.name === m.name);
  return rec && isOurs(rec) ? rec.pid : undefined;
}

export function member(t: Topology, clusterName: string, memberName: string): PgMember {
  const m = clusterOf(t, clusterName).nodes.find((n) => n.name === memberName);
  if (!m) throw new StartupError(`unknown member ${memberName} of ${clusterName}`, memberName);
  return m;
}

export { memberUrl };
