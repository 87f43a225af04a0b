/**
 * `npm run region -- failback`: after a region failover drill, eu holds core's primary again and
 * us is its standby, as before the drill. This is the drill's reset, not a data-preserving
 * failback: eu's core restarts from its own data (which has the writes us never received) and the
 * us copy is rebuilt from it (a fresh base backup), so what us acknowledged while it was primary
 * is discarded — counted and printed first. A production failback would instead rebuild eu as a
 * standby of us and switch over (docs/runbooks/region-failover.md explains both).
 *
 * Order matters: us stops taking writes (its storefront and its failover workers) and its copy
 * stops *before* eu's core starts, so at no moment do two primaries of core take writes; the
 * global edge follows by its own checks. eu's storefronts and order workers that the drill
 * stopped come back last, on eu's primary.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import type { RegionFailbackReport, RegionFailbackStep, RegionFailoverReport } from "@agora/config/ops-contract";
import { appInstances, serviceByName, type ServiceSpec, startServices } from "../apps.ts";
import { startPgMember, stopPgMember, stopRecord, waitClusterReady } from "../launcher.ts";
import { chownToPostgres } from "../processes/spawn.ts";
import { readRegistry } from "../processes/registry.ts";
import { waitFor } from "../processes/wait.ts";
import { heldProcesses, releaseSupervision } from "../supervisor/control.ts";
import { cluster, memberUrl, regionView, remoteRegion, secrets, type Topology } from "../topology.ts";
import { insertDrillRun, regionDrillDir } from "../drills/region-failover.ts";
import { clearFailoverState, readFailoverState } from "./failover-state.ts";
import { lostWithRegion, stopFailoverWorkers } from "./failover-workers.ts";
import { refreshGlobalEdge, releaseCoreFence } from "./promote.ts";
import { REGION_ARBITER, startRegionArbiter } from "./region-servers.ts";
import { standbyPatroniConfig, standbyStreaming } from "./standby-cluster.ts";

export type FailbackReport = RegionFailbackReport;

const PATRONICTL = process.env.AGORA_PATRONICTL_BIN ?? "/usr/bin/patronictl";

async function count(url: string, sql: string, params: unknown[]): Promise<number | null> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000, query_timeout: 5_000 });
  c.on("error", () => {
    // the query reports it
  });
  try {
    await c.connect();
    return Number((await c.query<{ n: string }>(sql, params)).rows[0]?.n ?? 0);
  } catch (err) {
    // A table the database does not have (a fresh state folder): nothing of that kind to count.
    if (err instanceof Error && "code" in err && err.code === "42P01") return 0;
    if (err instanceof Error) return null;
    throw err;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** us's arbiter again (a drill held it down; after an automatic promotion it kept running). */
function restartArbiter(t: Topology, log: (line: string) => void): void {
  const r = remoteRegion(t);
  releaseSupervision(t, REGION_ARBITER);
  log(`starting ${REGION_ARBITER} (automatic promotion through the etcd quorum)`);
  startRegionArbiter(t, r);
}

/** `onStep` hears each of REGION_FAILBACK_STEPS as it completes (the console's progress). */
export async function runRegionFailback(
  t: Topology,
  log: (line: string) => void,
  onStep: (step: RegionFailbackStep) => void = () => {},
): Promise<FailbackReport> {
  const r = remoteRegion(t);
  const state = readFailoverState(r);
  const t0 = Date.now();
  const v = regionView(t, r);
  const core = cluster(t, "core");
  const usMember = r.coreStandby.nodes[0]!;
  // eu's storefronts and order workers the drill stopped (it held them from the supervisor): those come back.
  const held = heldProcesses(t);
  const euProcesses = lostWithRegion(t)
    .filter((n) => held.has(n))
    .map((n) => serviceByName(t, n))
    .filter((s): s is ServiceSpec => s !== undefined);
  // A drill that promoted us may have started its workers even if it failed afterwards.
  const stoppedInUs = await stopFailoverWorkers(t, r);
  if (stoppedInUs.length) log(`stopped ${stoppedInUs.join(", ")}`);
  if (!state) {
    // A drill stopped before the promotion (not confirmed, or failed): us is still eu's standby,
    // eu only needs its core, storefronts and workers back.
    log(`region ${r.name} does not hold core's primary: restarting eu's core, storefronts and workers only`);
    onStep("us-stopped");
    // A drill that fenced and then stopped short of the promotion.
    await releaseCoreFence(t, r);
    for (const m of core.nodes) startPgMember(t, m);
    const euPrimary = await waitClusterReady(t, core, 120_000);
    onStep("eu-core-ready");
    onStep("standby-rebuilt");
    for (const s of euProcesses) releaseSupervision(t, s.name);
    await startServices(t, euProcesses);
    onStep("eu-processes-started");
    restartArbiter(t, log);
    return { discarded: { orders: 0, drillWrites: 0 }, euPrimary, standbyRebuiltMs: 0, totalMs: Date.now() - t0 };
  }

  const discarded = {
    orders: await count(memberUrl(t, usMember, t.postgres.database), "select count(*) as n from orders where created_at >= $1", [state.promotedAt]),
    drillWrites: await count(memberUrl(t, usMember), "select count(*) as n from agora_drill_writes where written_at >= $1", [state.promotedAt]),
  };
  log(`us took ${discarded.orders ?? "?"} orders and ${discarded.drillWrites ?? "?"} drill writes while primary: discarded by this reset`);

  // 1. us stops writing: its storefront (its failover workers are stopped above), then its copy of core.
  const usStorefronts = appInstances(t, ["storefront"]).filter((s) => s.name.startsWith(`storefront-${r.name}-`));
  for (const s of usStorefronts) {
    const rec = readRegistry(t.pidFile).find((x) => x.name === s.name);
    if (rec) await stopRecord(rec, 10_000);
  }
  log(`stopping ${usMember.name}`);
  await Promise.all(r.coreStandby.nodes.map((m) => stopPgMember(v, m)));
  onStep("us-stopped");

  // 2. eu's core from its own data; its members elect a leader through etcd as after any crash,
  // once us's fence is off core's leader lock (promote.ts). Members that were only cut off (an
  // automatic promotion) are still running, as replicas that could not take the lock.
  const fence = await releaseCoreFence(t, r);
  if (fence.released) log(`released core's leader lock (${fence.value})`);
  log(`starting ${core.nodes.map((m) => m.name).join(", ")}`);
  for (const m of core.nodes) startPgMember(t, m);
  const euPrimary = await waitClusterReady(t, core, 120_000);
  log(`eu's core primary: ${euPrimary}`);
  onStep("eu-core-ready");

  // 3. The us copy from scratch: its DCS keys removed (so it bootstraps again, as a standby), its
  // data folder emptied, its configuration rewritten with `standby_cluster`; then a base backup.
  const s0 = Date.now();
  const rebuild = (m: (typeof r.coreStandby.nodes)[number]) => {
    // patronictl asks for the cluster name, a typed confirmation and, if a leader key is still
    // there (a Patroni that did not stop cleanly), the leader's name.
    execFileSync(PATRONICTL, ["-c", m.configFile, "remove", r.coreStandby.name], {
      input: `${r.coreStandby.name}\nYes I am aware\n${m.name}\n`,
      stdio: ["pipe", "pipe", "pipe"],
      timeout: 30_000,
    });
    rmSync(m.dataDir, { recursive: true, force: true });
    writeFileSync(m.configFile, JSON.stringify(standbyPatroniConfig(t, r, m, secrets(t)), null, 2), { mode: 0o600 });
    chownToPostgres(m.configFile);
    startPgMember(v, m);
  };
  for (const m of r.coreStandby.nodes) rebuild(m);
  clearFailoverState(r);
  // The edge counts eu's copy of core by its health again (not only a primary there).
  await refreshGlobalEdge(t, r, log);
  log(`${usMember.name}: base backup from eu over the link …`);
  for (const m of r.coreStandby.nodes) {
    // Patroni's race for the new cluster's `initialize` key is one etcd write: when its answer is
    // lost (a slow member times out, the retry finds the key "already exists"), the member waits
    // for a standby leader that never comes. Seen on a loaded box; the remedy is a second rebuild.
    for (let attempt = 1; ; attempt++) {
      try {
        await waitFor("standby leader streaming from eu again", () => standbyStreaming(t, m), {
          timeoutMs: attempt < 3 ? 120_000 : 300_000,
          process: m.name,
          logFile: m.logFile,
        });
        break;
      } catch (err) {
        if (attempt >= 3) throw err;
        log(`${m.name}: not streaming after ${Math.round((Date.now() - s0) / 1000)} s; rebuilding it again (attempt ${attempt + 1})`);
        await stopPgMember(v, m);
        rebuild(m);
      }
    }
  }
  const standbyRebuiltMs = Date.now() - s0;
  onStep("standby-rebuilt");

  // 4. eu's storefronts and workers back under supervision, us's storefront on eu's primary again
  // (through the link); us's failover workers stay down (stopped in step 1).
  for (const s of euProcesses) releaseSupervision(t, s.name);
  log(`starting ${[...euProcesses, ...usStorefronts].map((s) => s.name).join(", ")}`);
  await startServices(t, [...euProcesses, ...usStorefronts]);
  onStep("eu-processes-started");

  // 5. The drill reports written into us's core went with it: copy them into eu's history.
  const dir = regionDrillDir(t);
  if (existsSync(dir))
    for (const f of readdirSync(dir).filter((x) => /^region-failover-.+\.json$/.test(x))) {
      const report = JSON.parse(readFileSync(join(dir, f), "utf8")) as RegionFailoverReport;
      await insertDrillRun(memberUrl(t, core.nodes.find((m) => m.name === euPrimary) ?? core.nodes[0]!, t.postgres.database), report);
    }
  restartArbiter(t, log);
  return { discarded, euPrimary, standbyRebuiltMs, totalMs: Date.now() - t0 };
}
