/**
 * Promoting a region's copy of core, by an operator (the drill, `npm run region -- failover`) or by
 * the region's arbiter (arbiter-process.ts). Either way the first step is the fence: core's leader
 * lock taken in eu's place through the etcd quorum (arbiter.ts `fenceAndDecide`), which succeeds
 * only once eu's own lock has expired — eu's primary has then stopped taking writes (failsafe mode
 * is off for core with two regions) — and which eu's Patroni can never take back. A promotion on a
 * link that is merely cut, with eu still holding its lock, is refused: there is no way to make two
 * primaries of core from here.
 */
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { appInstances, startServices } from "../apps.ts";
import { etcdEndpoints } from "../config/etcd.ts";
import { stopRecord } from "../launcher.ts";
import { patroniRest } from "../probes/patroni.ts";
import { readRegistry } from "../processes/registry.ts";
import { etcdClientTlsFiles } from "../security/tls-files.ts";
import { memberUrl, type RemoteRegion, type Topology } from "../topology.ts";
import { fenceAndDecide, fenceValue, releaseFence } from "./arbiter.ts";
import { EtcdV2Client, patroniLeaderKey } from "./etcd-v2.ts";
import { writeFailoverState } from "./failover-state.ts";
import { startGlobalEdge } from "./region-servers.ts";
import { startFailoverWorkers } from "./failover-workers.ts";

/** The etcd v2 client a region's processes use for core's leader lock (through the link where needed). */
export function leaderLockClient(t: Topology, r: RemoteRegion): { client: EtcdV2Client; key: string } {
  return {
    client: new EtcdV2Client({ endpoints: etcdEndpoints(t, r.name), tls: etcdClientTlsFiles(t), timeoutMs: 1_500 }),
    key: patroniLeaderKey(t.profile.namespace, "core"),
  };
}

export class CoreStillLedError extends Error {
  readonly code = "CORE_STILL_LED";
  constructor(holder: string | null, waitedMs: number) {
    super(
      `eu's core still holds its leader lock (${holder ?? "the etcd quorum could not be read"}) after ${waitedMs} ms: promoting us now would make two primaries`,
    );
    this.name = "CoreStillLedError";
  }
}

/**
 * Takes core's leader lock in eu's place (the fence), retrying until eu's lock has expired or
 * `timeoutMs` has passed (then CoreStillLedError). Returns the fence value.
 */
export async function fenceCore(t: Topology, r: RemoteRegion, timeoutMs = 15_000): Promise<string> {
  const { client, key } = leaderLockClient(t, r);
  const t0 = Date.now();
  let holder: string | null = null;
  for (;;) {
    try {
      const out = await fenceAndDecide(client, key, fenceValue(r.name));
      if (out.kind === "promote") return out.fence;
      holder = out.leader;
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      holder = null;
    }
    if (Date.now() - t0 > timeoutMs) throw new CoreStillLedError(holder, Date.now() - t0);
    await sleep(250);
  }
}

/** Failback: eu's Patroni may take its lock again. */
export async function releaseCoreFence(t: Topology, r: RemoteRegion): Promise<{ released: boolean; value: string | null }> {
  const { client, key } = leaderLockClient(t, r);
  return releaseFence(client, key);
}

/**
 * Once fenced: the state folder says `r` holds core's primary (its processes started from now on
 * write locally), and Patroni is asked to promote its copy (`standby_cluster` removed).
 */
export async function askPromotion(t: Topology, r: RemoteRegion, id: string): Promise<void> {
  writeFailoverState(r, { coreRegion: r.name, promotedAt: new Date().toISOString(), drillId: id });
  const m = r.coreStandby.nodes[0]!;
  const res = await patroniRest(m, "/config", { patch: { standby_cluster: null }, timeoutMs: 10_000 });
  if (res.status !== 200) throw new Error(`Patroni refused the promotion of ${m.name}: ${res.status} ${res.body}`);
}

/**
 * The global edge's checks follow the failover state (global-edge.ts): after a promotion or a
 * failback its configuration changes and it is restarted. A failure is logged, not thrown: the
 * promotion or failback goes on.
 */
export async function refreshGlobalEdge(t: Topology, r: RemoteRegion, log: (line: string) => void): Promise<void> {
  await startGlobalEdge(t, r, (rec) => stopRecord(rec)).catch((e: unknown) =>
    log(`global edge not reconfigured: ${e instanceof Error ? e.message : String(e)}`),
  );
}

/** Waits until `r`'s copy of core takes writes (out of recovery). */
export async function waitPromoted(t: Topology, r: RemoteRegion, deadline: number): Promise<void> {
  const m = r.coreStandby.nodes[0]!;
  for (;;) {
    const c = new pg.Client({ connectionString: memberUrl(t, m), connectionTimeoutMillis: 1_000, query_timeout: 1_000 });
    c.on("error", () => {
      // reported by the query below
    });
    const inRecovery = await c
      .connect()
      .then(() => c.query<{ r: boolean }>("select pg_is_in_recovery() as r"))
      .then((res) => res.rows[0]?.r ?? true)
      .catch(() => true)
      .finally(() => c.end().catch(() => undefined));
    if (!inRecovery) return;
    if (Date.now() > deadline) throw new Error(`${m.name} still in recovery`);
    await sleep(100);
  }
}

/** Restarts `r`'s storefronts (on the promoted copy: the failover state says so by now). */
export async function restartRegionStorefronts(t: Topology, r: RemoteRegion): Promise<void> {
  const specs = appInstances(t, ["storefront"]).filter((s) => s.name.startsWith(`storefront-${r.name}-`));
  const regs = readRegistry(t.pidFile);
  for (const s of specs) {
    const rec = regs.find((x) => x.name === s.name);
    if (rec) await stopRecord(rec, 10_000);
  }
  await startServices(t, specs);
}

export interface PromotionTimes {
  fencedAt: number;
  promotedAt: number;
  storefrontsAt: number | null;
  workersAt: number | null;
}

/**
 * The whole promotion after the decision: fence, state file (us processes started from now on
 * write locally), Patroni's standby_cluster removed, then the region's storefronts restarted and
 * its failover workers started side by side. Idempotent: a promotion already done is finished.
 */
export async function promoteRegion(
  t: Topology,
  r: RemoteRegion,
  opts: { id: string; log?: (line: string) => void; timeoutMs?: number; onProgress?: (times: PromotionTimes) => void },
): Promise<PromotionTimes> {
  const log = opts.log ?? (() => {});
  const progress = opts.onProgress ?? (() => {});
  const fence = await fenceCore(t, r, opts.timeoutMs ?? 15_000);
  const fencedAt = Date.now();
  log(`fenced core's leader lock: ${fence}`);
  await askPromotion(t, r, opts.id);
  // eu's members are fenced replicas from now on: the edge stops counting them as a copy of core.
  await refreshGlobalEdge(t, r, log);
  await waitPromoted(t, r, Date.now() + 60_000);
  const promotedAt = Date.now();
  log(`${r.coreStandby.nodes[0]!.name} is core's primary`);
  let storefrontsAt: number | null = null;
  let workersAt: number | null = null;
  progress({ fencedAt, promotedAt, storefrontsAt, workersAt });
  await Promise.all([
    restartRegionStorefronts(t, r).then(
      () => {
        storefrontsAt = Date.now();
        log(`storefronts of ${r.name} restarted on the promoted copy`);
      },
      (e: unknown) => log(`storefronts of ${r.name} did not restart: ${e instanceof Error ? e.message : String(e)}`),
    ),
    startFailoverWorkers(t, r).then(
      (names) => {
        workersAt = Date.now();
        log(`started ${names.join(", ")}`);
      },
      (e: unknown) => log(`failover workers did not start: ${e instanceof Error ? e.message : String(e)}`),
    ),
  ]);
  return { fencedAt, promotedAt, storefrontsAt, workersAt };
}
