/**
 * `npm run drill:failover -- --cluster core [--mode kill|freeze] [--json]`
 * Progress goes to stderr, the report (JSON with --json) to stdout.
 */
import { runFailoverDrill } from "../drills/failover.ts";
import { clusterSpec, topology } from "../topology.ts";
import { cliArgs, runCli } from "./args.ts";

runCli(async () => {
  const { values, profile } = cliArgs({
    cluster: { type: "string", default: "core" },
    mode: { type: "string", default: "kill" },
  });
  const clusterName = clusterSpec(String(values.cluster)).name;
  const mode = values.mode === "freeze" ? "freeze" : values.mode === "kill" ? "kill" : undefined;
  if (!mode) throw new Error(`--mode must be kill or freeze, got ${String(values.mode)}`);
  const err = (l: string) => process.stderr.write(`${l}\n`);
  const t0 = Date.now();
  let lastProgress = 0;
  const report = await runFailoverDrill({
    topology: topology(profile),
    cluster: clusterName,
    mode,
    onEvent: (e) => {
      const ts = `[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s]`;
      if (e.type === "ready") err(`${ts} ${clusterName}: primary is ${e.leader}; writing through HAProxy …`);
      else if (e.type === "fault") err(`${ts} ${e.mode === "kill" ? "SIGKILL" : "SIGSTOP"} ${e.node} (pids ${e.pids.join(", ")})`);
      else if (e.type === "recovered") err(`${ts} writes resumed on ${e.newPrimary ?? "?"} — RTO ${e.rtoMs} ms`);
      else if (e.type === "rejoining") err(`${ts} bringing ${e.node} back …`);
      else if (e.type === "rejoined") err(`${ts} ${e.node} streams again as a replica (${e.ms} ms)`);
      else if (e.type === "progress" && Date.now() - lastProgress > 1000) {
        lastProgress = Date.now();
        err(`${ts} acked ${e.acked}, failed ${e.failed}`);
      }
    },
  });
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    process.stdout.write(
      [
        `cluster ${report.cluster}: ${report.old_primary} → ${report.new_primary}`,
        `RTO ${report.rto_ms} ms; acked ${report.acked_writes}; lost ${report.lost_writes}; split brain: ${report.split_brain}`,
        `rejoined: ${report.rejoined} (${report.rejoin_ms} ms); replicas converged: ${report.replicas_converged}`,
        "",
      ].join("\n"),
    );
  }
  if (report.lost_writes > 0 || report.split_brain || report.rto_ms === null) process.exitCode = 2;
});
