/**
 * Workers of a region that holds core's primary after a region failover (docs/adr/0010 "Workers
 * in us"). In normal two-region operation us runs none: its orders are handed to eu's sagas
 * through the outbox. Once us is promoted, eu's relay and pools are gone with eu, so the failover
 * starts in us what takes an order to READY_FOR_FULFILMENT — the outbox relay (same election and
 * fence as eu's), the sagas and payments pools on us's Redis, and an inventory instance reaching
 * eu's shards through the link — what consumes an order's events (notifications, projections,
 * analytics) and the maintenance pool (topology FAILOVER_WORKERS); failback stops them again.
 *
 * The same kinds of process are what eu loses in the drill: eu's relays, pools and inventory
 * instances are stopped with its storefronts (held from the supervisor, and so left alone by the
 * autoscaler) and started again by failback. For maintenance that is required, not tidiness: etcd
 * keeps its quorum through the drill, so a maintenance process left running in eu would keep the
 * lost-job sweep's and the alert evaluator's leaderships (us's would never sweep), and two pools
 * would run payouts and the heartbeat against two different core primaries if eu's core came back.
 */
import { appInstances, failoverServices, services, startServices } from "../apps.ts";
import { stopRecord } from "../launcher.ts";
import { isOurs, readRegistry } from "../processes/registry.ts";
import { holdSupervision } from "../supervisor/control.ts";
import { euProcessOf, FAILOVER_WORKERS, type RemoteRegion, type Topology } from "../topology.ts";

/** Starts region `r`'s failover workers (under the supervisor when one runs) and waits until each is ready. */
export async function startFailoverWorkers(t: Topology, r: RemoteRegion): Promise<string[]> {
  const specs = failoverServices(t, r);
  await startServices(t, specs);
  return specs.map((s) => s.name);
}

/** Stops them, held so that a supervisor leaves them down (the next failover releases them). */
export async function stopFailoverWorkers(t: Topology, r: RemoteRegion): Promise<string[]> {
  return stopHeld(
    t,
    failoverServices(t, r).map((s) => s.name),
  );
}

/**
 * eu's processes lost with the region in the drill: its storefronts and its instances of the
 * failover workers' kinds (every relay candidate, sagas, payments and maintenance process,
 * inventory instance).
 */
export function lostWithRegion(t: Topology): string[] {
  const storefronts = appInstances(t, ["storefront"])
    .map((s) => s.name)
    .filter((n) => /^storefront-\d+$/.test(n));
  const kinds = FAILOVER_WORKERS.map((w) => euProcessOf(w).replace(/-\d+$/, ""));
  const workers = [
    ...services(t).map((s) => s.name),
    ...readRegistry(t.pidFile).map((x) => x.name),
  ].filter((n) => kinds.some((k) => n === k || new RegExp(`^${k}-\\d+$`).test(n)));
  return [...new Set([...storefronts, ...workers])];
}

/** Stops the running ones of `names`, each held from the supervisor first; returns those it stopped. */
export async function stopHeld(
  t: Topology,
  names: readonly string[],
  timeoutMs = 10_000,
): Promise<string[]> {
  const recs = readRegistry(t.pidFile);
  const stopped: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      const rec = recs.find((x) => x.name === name);
      if (!rec || !isOurs(rec)) return;
      holdSupervision(t, name);
      stopped.push(name);
      await stopRecord(rec, timeoutMs);
    }),
  );
  return stopped.sort();
}
