/**
 * `npm run drill:failover -- --cluster core|shard-1|shard-2|redis|etcd [--mode kill|freeze] [--json]`
 * A Postgres cluster loses its primary, `redis` its master (Sentinel fails over), `etcd` its Raft
 * leader. `--region eu [--yes]`: the whole eu region is lost and us takes over (two-region
 * profile; drills/region-failover.ts). Progress goes to stderr, the report (JSON with --json) to stdout.
 */
import { runEtcdFailoverDrill, runFailoverDrill, runRedisFailoverDrill } from "../drills/index.ts";
import { clusterSpec, topology } from "../topology.ts";
import { cliArgs, runCli } from "./args.ts";
import { regionFailoverCommand } from "./region-failover-cli.ts";

runCli(async () => {
  const { values, profile } = cliArgs({
    cluster: { type: "string", default: "core" },
    mode: { type: "string", default: "kill" },
    region: { type: "string" },
    yes: { type: "boolean", default: false },
  });
  if (values.region !== undefined) {
    await regionFailoverCommand(topology(profile), { region: String(values.region), yes: values.yes === true, json: values.json === true });
    return;
  }
  const target = String(values.cluster);
  const mode = values.mode === "freeze" ? "freeze" : values.mode === "kill" ? "kill" : undefined;
  if (!mode) throw new Error(`--mode must be kill or freeze, got ${String(values.mode)}`);
  const err = (l: string) => process.stderr.write(`${l}\n`);
  const t0 = Date.now();
  let lastProgress = 0;
  const ts = () => `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s]`;
  const progress = (acked: number, failed: number) => {
    if (Date.now() - lastProgress < 1000) return;
    lastProgress = Date.now();
    err(`${ts()} acked ${acked}, failed ${failed}`);
  };
  const signal = mode === "kill" ? "SIGKILL" : "SIGSTOP";
  const t = topology(profile);

  if (target === "redis") {
    const r = await runRedisFailoverDrill({
      topology: t,
      mode,
      onEvent: (e) => {
        if (e.type === "ready") err(`${ts()} redis: master is ${e.master}; writing through Sentinel …`);
        else if (e.type === "fault") err(`${ts()} ${signal} ${e.node} (pid ${e.pid})`);
        else if (e.type === "switched") err(`${ts()} Sentinels name ${e.to} as master (${e.ms} ms)`);
        else if (e.type === "recovered") err(`${ts()} writes resumed on ${e.newMaster ?? "?"} — RTO ${e.rtoMs} ms`);
        else if (e.type === "rejoined") err(`${ts()} ${e.node} replicates again (${e.ms} ms)`);
        else progress(e.acked, e.failed);
      },
    });
    if (values.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else
      process.stdout.write(
        `redis: ${r.old_master} → ${r.new_master}\nRTO ${r.rto_ms} ms; writes unavailable ${r.unavailable_ms} ms; Sentinel switch ${r.sentinel_switch_ms} ms; acked ${r.acked_writes}; lost ${r.lost_writes} (asynchronous replication); split brain: ${r.split_brain}\nrejoined: ${r.rejoined} (${r.rejoin_ms} ms)\n`,
      );
    if (r.split_brain || r.rto_ms === null || !r.rejoined) process.exitCode = 2;
    return;
  }

  if (target === "etcd") {
    const r = await runEtcdFailoverDrill({
      topology: t,
      mode,
      onEvent: (e) => {
        if (e.type === "ready") err(`${ts()} etcd: Raft leader is ${e.leader}; putting keys …`);
        else if (e.type === "fault") err(`${ts()} ${signal} ${e.node} (pid ${e.pid})`);
        else if (e.type === "elected") err(`${ts()} ${e.leader} elected (${e.ms} ms)`);
        else if (e.type === "recovered") err(`${ts()} puts resumed — RTO ${e.rtoMs} ms`);
        else if (e.type === "rejoined") err(`${ts()} ${e.node} healthy again (${e.ms} ms)`);
        else progress(e.acked, e.failed);
      },
    });
    const collateral = Object.values(r.patroni_leader_changes).reduce((a, b) => a + b, 0);
    if (values.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else
      process.stdout.write(
        `etcd: ${r.old_leader} → ${r.new_leader}\nRTO ${r.rto_ms} ms; writes unavailable ${r.unavailable_ms} ms; election ${r.election_ms} ms; acked ${r.acked_writes}; lost ${r.lost_writes}; Patroni leader changes it caused: ${JSON.stringify(r.patroni_leader_changes)}\nrejoined: ${r.rejoined} (${r.rejoin_ms} ms)\n`,
      );
    if (r.lost_writes > 0 || r.rto_ms === null || collateral > 0 || !r.rejoined) process.exitCode = 2;
    return;
  }

  const clusterName = clusterSpec(target).name;
  const report = await runFailoverDrill({
    topology: t,
    cluster: clusterName,
    mode,
    onEvent: (e) => {
      if (e.type === "ready") err(`${ts()} ${clusterName}: primary is ${e.leader}; writing through HAProxy …`);
      else if (e.type === "fault") err(`${ts()} ${signal} ${e.node} (pids ${e.pids.join(", ")})`);
      else if (e.type === "recovered") err(`${ts()} writes resumed on ${e.newPrimary ?? "?"} — RTO ${e.rtoMs} ms`);
      else if (e.type === "rejoining") err(`${ts()} bringing ${e.node} back …`);
      else if (e.type === "rejoined") err(`${ts()} ${e.node} streams again as a replica (${e.ms} ms)`);
      else if (e.type === "progress") progress(e.acked, e.failed);
    },
  });
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(
      [
        `cluster ${report.cluster}: ${report.old_primary} → ${report.new_primary}`,
        `RTO ${report.rto_ms} ms; writes unavailable ${report.unavailable_ms} ms; acked ${report.acked_writes}; lost ${report.lost_writes}; split brain: ${report.split_brain}`,
        `rejoined: ${report.rejoined} (${report.rejoin_ms} ms); replicas converged: ${report.replicas_converged}`,
        "",
      ].join("\n"),
    );
  }
  if (report.lost_writes > 0 || report.split_brain || report.rto_ms === null) process.exitCode = 2;
});
