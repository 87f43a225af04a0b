/**
 * `npm run drill:false-failover -- [--minutes 10] [--burners N] [--json]`
 * Mixed load on every cluster with the CPU saturated for a bounded time; counts Patroni leader
 * changes and Sentinel failovers (both must stay 0). Exit code 2 when any happened.
 */
import { runFalseFailoverCheck } from "../drills/index.ts";
import { topology } from "../topology.ts";
import { cliArgs, runCli } from "./args.ts";

runCli(async () => {
  const { values, profile } = cliArgs({
    minutes: { type: "string", default: "10" },
    burners: { type: "string" },
  });
  const minutes = Number(values.minutes);
  if (!(minutes > 0 && minutes <= 60)) throw new Error(`--minutes must be in (0, 60], got ${String(values.minutes)}`);
  const burners = values.burners === undefined ? undefined : Number(values.burners);
  if (burners !== undefined && !(Number.isInteger(burners) && burners >= 0 && burners <= 16))
    throw new Error(`--burners must be an integer 0–16, got ${String(values.burners)}`);
  const err = (l: string) => process.stderr.write(`${l}\n`);
  const r = await runFalseFailoverCheck({
    topology: topology(profile),
    durationMs: minutes * 60_000,
    burners,
    onEvent: (e) => {
      if (e.type === "started") err(`CPU burners: pids ${e.burnerPids.join(", ")}; mixed load on every cluster for ${minutes} min …`);
      else if (e.type === "failover") err(`[${(e.atMs / 1000).toFixed(0).padStart(4)} s] ${e.what}: ${e.detail}`);
      else if (e.elapsedMs % 60_000 < 2000)
        err(`[${(e.elapsedMs / 1000).toFixed(0).padStart(4)} s] ops ${e.ops}, errors ${e.errors}, load ${e.load1.toFixed(1)}`);
    },
  });
  if (values.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else
    process.stdout.write(
      [
        `${(r.duration_ms / 60_000).toFixed(1)} min, ${r.burners} CPU burners, CPU busy ${(r.cpu_busy_share * 100).toFixed(0)} %, load1 max ${r.load1_max}`,
        `ops: postgres ${r.ops.postgres.ok} ok / ${r.ops.postgres.failed} failed; redis ${r.ops.redis.ok} / ${r.ops.redis.failed}; etcd ${r.ops.etcd.ok} / ${r.ops.etcd.failed}`,
        `Patroni leader changes: ${JSON.stringify(r.patroni_leader_changes)}; Sentinel failovers: ${r.sentinel_failovers} (+sdown ${r.sentinel_sdown_events}); etcd leader changes: ${r.etcd_leader_changes}`,
        `HAProxy read-write checks: ${JSON.stringify(r.haproxy_rw)}`,
        `false failovers: ${r.false_failovers}`,
        "",
      ].join("\n"),
    );
  if (r.false_failovers > 0) process.exitCode = 2;
});
