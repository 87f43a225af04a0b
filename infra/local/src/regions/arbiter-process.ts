/**
 * `tsx infra/local/src/regions/arbiter-process.ts`: region us's arbiter. Once a second it reads
 * core's leader lock through the etcd quorum as us reaches it (etcd-2 here, etcd-1 and the witness
 * through the link) and decides (arbiter.ts): eu holds core → nothing; the lock gone, every read
 * through the quorum, for 2 × Patroni's ttl → fence it and promote us's copy (promote.ts), then
 * start what processes orders in us. No quorum (us cut off from both eu and the witness) → never.
 *
 * `AGORA_REGION_PROMOTION=manual` keeps the decision advisory: it is written to the state file and
 * the log, and an operator promotes (`npm run region -- failover`). The region failover drill holds
 * the arbiter down while it runs (the drill is the operator); failback starts it again.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { randomUUID } from "node:crypto";
import { writeJsonFile } from "../processes/json-file.ts";
import { remoteRegion, topology } from "../topology.ts";
import { type ArbiterDecision, RegionArbiter } from "./arbiter.ts";
import { readFailoverState } from "./failover-state.ts";
import { leaderLockClient, promoteRegion, type PromotionTimes } from "./promote.ts";

const t = topology();
const r = remoteRegion(t);
const mode = process.env.AGORA_REGION_PROMOTION === "manual" ? "manual" : "auto";
const { client, key } = leaderLockClient(t, r);
const arbiter = new RegionArbiter();

const log = (msg: string, extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ level: "info", time: new Date().toISOString(), msg, region: r.name, ...extra })}\n`);

function save(state: Record<string, unknown>): void {
  writeJsonFile(r.arbiter.stateFile, { region: r.name, mode, pid: process.pid, at: new Date().toISOString(), ...state });
}

let stopping = false;
let last: ArbiterDecision["kind"] | "holds-core" | undefined;
let promotion: (PromotionTimes & { id: string; decidedAt: number }) | undefined;

process.on("SIGTERM", () => (stopping = true));
process.on("SIGINT", () => (stopping = true));
log("region arbiter up", { mode, key });

while (!stopping) {
  const t0 = Date.now();
  if (readFailoverState(r)) {
    if (last !== "holds-core") log(`${r.name} holds core's primary: nothing to decide until failback`);
    last = "holds-core";
    arbiter.reset();
    save({ decision: { kind: "holds-core", reason: `${r.name} holds core's primary` }, promotion });
  } else {
    let decision: ArbiterDecision;
    try {
      const node = await client.get(key, { quorum: true });
      decision = arbiter.observe({ at: performance.now(), dcs: "ok", euLeader: node?.value ?? null });
    } catch (err) {
      decision = arbiter.observe({ at: performance.now(), dcs: "unreachable", euLeader: null });
      if (last !== "no-quorum") log("etcd quorum unreachable", { error: err instanceof Error ? err.message : String(err) });
    }
    if (decision.kind !== last) log(decision.reason, { decision: decision.kind });
    last = decision.kind;
    save({ decision, promotion });
    const ours = decision.kind === "fenced" && decision.region === r.name;
    if ((decision.kind === "promote" || ours) && mode === "auto") {
      const id = `arbiter-${randomUUID()}`;
      const decidedAt = Date.now();
      log(`promoting ${r.name}'s copy of core`, { id });
      try {
        const times = await promoteRegion(t, r, {
          id,
          log: (line) => log(line, { id }),
          // Saved as soon as the copy takes writes: the storefront and workers take longer.
          onProgress: (p) => save({ decision, promotion: { id, decidedAt, ...p } }),
        });
        promotion = { id, decidedAt, ...times };
        log(`${r.name} holds core's primary`, { ...promotion });
      } catch (err) {
        // eu took its lock back, or the quorum went: observe again from scratch.
        arbiter.reset();
        log("promotion not done", { id, error: err instanceof Error ? err.message : String(err) });
      }
      save({ decision, promotion });
    }
  }
  await sleep(Math.max(0, 1_000 - (Date.now() - t0)));
}
log("region arbiter stopped");
process.exit(0);
