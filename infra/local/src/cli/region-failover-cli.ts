/**
 * The region failover drill and its failback as CLI commands, shared by
 * `npm run drill:failover -- --region eu [--yes] [--json]` and `npm run region -- failover|failback`.
 * Without --yes the operator confirms the promotion at the prompt (ADR 0010).
 */
import { createInterface } from "node:readline/promises";
import { regionDrillPassed, runRegionFailoverDrill } from "../drills/region-failover.ts";
import { runRegionFailback } from "../regions/failback.ts";
import type { Topology } from "../topology.ts";

const err = (l: string) => process.stderr.write(`${l}\n`);

async function askOperator(lostForMs: number, copyAgeMs: number | null): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(
      `eu's core has not answered for ${(lostForMs / 1000).toFixed(1)} s; the us copy was ${copyAgeMs ?? "?"} ms behind at the loss.\n` +
        "Promote the us copy of core (writes eu acknowledged and us did not receive are lost)? [y/N] ",
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

export async function regionFailoverCommand(t: Topology, opts: { region: string; yes: boolean; json: boolean }): Promise<void> {
  const t0 = Date.now();
  const ts = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s]`;
  let lastProgress = 0;
  const report = await runRegionFailoverDrill({
    topology: t,
    region: opts.region,
    confirm: ({ lostForMs, copyAgeMs }) => (opts.yes ? Promise.resolve(true) : askOperator(lostForMs, copyAgeMs)),
    onEvent: (e) => {
      if (e.type === "ready") err(`${ts()} eu's core primary is ${e.euPrimary}; ${e.standby} streams from it`);
      else if (e.type === "sync-cost") err(`${ts()} commit on eu: ${e.asyncP50} ms async; ${e.syncP50} ms if it waited for the us copy (p50)`);
      else if (e.type === "fault") err(`${ts()} eu lost: SIGKILL ${e.killed.join(", ")}; stopped ${e.stopped.join(", ") || "nothing else"}`);
      else if (e.type === "detected") err(`${ts()} us sees eu's core gone (${e.ms} ms after the loss)`);
      else if (e.type === "promoted") err(`${ts()} us copy promoted (${e.ms} ms)`);
      else if (e.type === "recovered") err(`${ts()} first write acknowledged in us — RTO ${e.rtoMs} ms`);
      else if (e.type === "storefront-repointed") err(`${ts()} storefront in us ready on the local primary (${e.ms} ms after the loss)`);
      else if (e.type === "workers-started") err(`${ts()} us processes its orders: ${e.names.join(", ")} ready (${e.ms} ms after the loss)`);
      else if (e.type === "edge-moved") err(`${ts()} global edge: eu's clients served by us ${e.ms} ms after the loss`);
      else if (e.type === "aborted") err(`${ts()} not promoted: ${e.reason} (npm run region -- failback restarts eu)`);
      else if (e.type === "progress" && Date.now() - lastProgress > 1000) {
        lastProgress = Date.now();
        err(`${ts()} acked ${e.acked}, failed ${e.failed}`);
      }
    },
  }).catch((e: unknown) => {
    // eu may be down by now: say how to get it back.
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n  eu's core and storefronts may be stopped: npm run region -- failback restores them`);
  });
  if (opts.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const g = report.region;
    process.stdout.write(
      [
        `region failover: ${report.old_primary} → ${report.new_primary ?? "not promoted"}`,
        `RTO ${report.rto_ms} ms (detected ${g.detected_ms} ms, promotion ${g.promote_ms} ms); RPO ${g.rpo_writes} acknowledged writes lost over ${g.rpo_window_ms} ms (copy ${g.copy_age_at_loss_ms} ms behind at the loss)`,
        `global edge: eu's clients served by us after ${g.edge.eu_clients_moved_ms} ms; answers ${JSON.stringify(g.edge.served)}, errors ${g.edge.errors}; us's clients: ${JSON.stringify(g.edge.us_clients.served)}, errors ${g.edge.us_clients.errors}`,
        `us storefront on the local primary after ${g.storefront_repointed_ms} ms; us's order workers ready after ${g.workers_started_ms ?? "—"} ms`,
        `synchronous alternative: commit p50 ${g.sync_cost.async_commit_ms.p50} ms async vs ${g.sync_cost.sync_commit_ms.p50} ms waiting for us (p95 ${g.sync_cost.async_commit_ms.p95} vs ${g.sync_cost.sync_commit_ms.p95}; link ${g.sync_cost.link_rtt_ms} ms round trip)`,
        "eu stays down: npm run region -- failback",
        "",
      ].join("\n"),
    );
  }
  if (!regionDrillPassed(report)) process.exitCode = 2;
}

export async function regionFailbackCommand(t: Topology, json: boolean): Promise<void> {
  const r = await runRegionFailback(t, err);
  if (json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else
    process.stdout.write(
      `✔ eu holds core's primary again (${r.euPrimary}); the us copy streams from it (rebuilt in ${r.standbyRebuiltMs} ms, ${r.totalMs} ms in all); discarded from us: ${r.discarded.orders ?? "?"} orders, ${r.discarded.drillWrites ?? "?"} drill writes\n`,
    );
}
