/**
 * `npm run drill:heal [-- --only storefront,haproxy] [--json]`: the self-healing drill
 * (drills/self-healing.ts) on the running topology — one instance of each supervised kind crashed
 * in turn, restarts and time back as the supervisor reports them. Needs the supervisor (`npm start`).
 */
import { crashAndHeal, formatHealing, healingTargets, type HealingResult } from "../drills/self-healing.ts";
import { readSupervisorState } from "../supervisor/control.ts";
import { topology } from "../topology.ts";
import { cliArgs, runCli } from "./args.ts";

runCli(async () => {
  const { values, profile } = cliArgs({ only: { type: "string" }, "settle-ms": { type: "string", default: "5000" } });
  const t = topology(profile);
  if (!readSupervisorState(t)) throw new Error("no supervisor state: start the topology with `npm start` first");
  const only = values.only ? String(values.only).split(",") : undefined;
  const targets = healingTargets(t).filter((x) => !only || only.some((o) => x.kind.includes(o) || x.target.includes(o)));
  const results: HealingResult[] = [];
  for (const { kind, target } of targets) {
    process.stderr.write(`crashing ${target} (${kind}) …\n`);
    const r = await crashAndHeal(t, kind, target);
    process.stderr.write(`  ${r.ok ? "back" : "NOT back"}: restarts ${r.restartsBefore} → ${r.restartsAfter}, supervisor ${r.supervisorRestartMs ?? "–"} ms\n`);
    results.push(r);
    // Let the restarted instance settle (registry readiness, gateway routing) before the next kind.
    await new Promise((r) => setTimeout(r, Number(values["settle-ms"])));
  }
  process.stdout.write(values.json ? `${JSON.stringify(results, null, 2)}\n` : `${formatHealing(results)}\n`);
  if (results.some((r) => !r.ok)) process.exitCode = 2;
});
