/**
 * `npm run region -- <command>`: the link between the regions and the remote region's state.
 *
 *   link cut | heal | one-way | flaky   set the link's mode (heal = healthy, keeps the latency)
 *   link latency <ms>                   set the round trip the link adds (mode unchanged)
 *   link witness eu|us cut|heal         cut or heal one region's link to the witness (etcd's third site)
 *   link isolate eu|us                  cut a region off from both others (regions cut + its witness link)
 *   link heal-all                       every link healthy again
 *   status [--json]                     the link, its routes' counters and the us standby's lag
 *   cost [--seconds 30] [--json]        memory and CPU of the region's processes over a window
 *   health [--json]                     each region's health as the global edge sees it, and its routes
 *   failover [--yes] [--json]           the region failover drill: eu lost, us promoted (ADR 0010)
 *   failback [--json]                   eu holds core's primary again, us is rebuilt as its standby
 *   workers start|stop                  us's order workers after a failover (the drill starts them itself)
 */
import { readArbiterState } from "../regions/arbiter-state.ts";
import { type LinkView, regionLink, setRegionLink } from "../regions/link-control.ts";
import { type LinkChange, type LinkMode } from "../regions/link-state.ts";
import { regionCost } from "../regions/region-cost.ts";
import { standbyStatus } from "../regions/standby-cluster.ts";
import { remoteRegion, topology } from "../topology.ts";
import { regionHealth } from "../regions/region-health.ts";
import { holdsCorePrimary } from "../regions/failover-state.ts";
import { startFailoverWorkers, stopFailoverWorkers } from "../regions/failover-workers.ts";
import { cliArgs, runCli } from "./args.ts";
import { regionFailbackCommand, regionFailoverCommand } from "./region-failover-cli.ts";

const USAGE =
  "usage: npm run region -- link cut|heal|one-way|flaky|latency <ms>|witness eu|us cut|heal|isolate eu|us|heal-all  |  status [--json]  |  cost [--seconds 30] [--json]  |  health [--json]  |  failover [--yes]  |  failback  |  workers start|stop";

const MODE_OF: Record<string, LinkMode> = { cut: "cut", heal: "healthy", "one-way": "one-way", flaky: "flaky" };

function change(args: string[]): LinkChange {
  const [what, value] = args;
  if (what === "latency") {
    const ms = Number(value);
    if (!Number.isInteger(ms) || ms < 0 || ms > 10_000) throw new Error(`latency needs a round trip in ms (0–10000), got "${value ?? ""}"\n${USAGE}`);
    return { rttMs: ms };
  }
  const region = value === "eu" || value === "us" ? value : undefined;
  if (what === "witness" && region && (args[2] === "cut" || args[2] === "heal"))
    return { witness: { [region]: args[2] === "cut" ? "cut" : "healthy" } };
  if (what === "isolate" && region) return { mode: "cut", witness: { [region]: "cut" } };
  if (what === "heal-all") return { mode: "healthy", witness: { eu: "healthy", us: "healthy" } };
  const mode = what === undefined ? undefined : MODE_OF[what];
  if (!mode) throw new Error(USAGE);
  return { mode };
}

const describeLink = (v: LinkView) =>
  `region link eu ⇄ ${v.region}: ${v.state.mode}, round trip +${v.state.rttMs} ms; witness ⇄ eu ${v.state.witness.eu}, witness ⇄ us ${v.state.witness.us} (since ${v.changedAt})`;

runCli(async () => {
  const { values, positionals, profile } = cliArgs({ seconds: { type: "string", default: "30" }, yes: { type: "boolean", default: false } });
  const t = topology(profile);
  const r = remoteRegion(t);
  const [cmd, ...rest] = positionals;
  if (cmd === "link") {
    const v = await setRegionLink(t, change(rest));
    process.stdout.write(`✔ ${describeLink(v)}\n`);
    return;
  }
  if (cmd === "status") {
    const [link, standby] = await Promise.all([regionLink(t), standbyStatus(t, r)]);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ link, standby, arbiter: readArbiterState(r) ?? null }, null, 2)}\n`);
      return;
    }
    process.stdout.write(`${describeLink(link)}\n`);
    for (const x of link.routes)
      process.stdout.write(
        `  ${x.name.padEnd(17)} ${`${x.from ?? "us"} → ${x.to ?? "eu"}`.padEnd(16)} :${x.listenPort} → :${x.targetPort}  open ${x.stats.open}, accepted ${x.stats.accepted}, dropped ${x.stats.dropped}\n`,
      );
    const arbiter = readArbiterState(r);
    process.stdout.write(
      arbiter
        ? `arbiter of ${r.name} (${arbiter.mode}): ${arbiter.decision.kind} — ${arbiter.decision.reason} (at ${arbiter.at})\n`
        : `arbiter of ${r.name}: no decision recorded\n`,
    );
    for (const s of standby)
      process.stdout.write(
        `core standby ${s.member}: ${s.role ?? "?"}, receiver ${s.receiver ?? "none"}, ${s.lagBytes ?? "?"} bytes behind eu, copy age ${s.heartbeatAgeMs ?? "?"} ms${s.error ? ` (${s.error})` : ""}\n`,
      );
    return;
  }
  if (cmd === "failover") return regionFailoverCommand(t, { region: "eu", yes: values.yes === true, json: values.json === true });
  if (cmd === "failback") return regionFailbackCommand(t, values.json === true);
  if (cmd === "workers" && rest[0] === "start") {
    // Only where core's primary is: us's workers write core, which in us is a read-only standby otherwise.
    if (!holdsCorePrimary(r)) throw new Error(`region ${r.name} does not hold core's primary: eu's workers process its orders (ADR 0010 "Workers in us")`);
    process.stdout.write(`✔ ${(await startFailoverWorkers(t, r)).join(", ")} ready in ${r.name}\n`);
    return;
  }
  if (cmd === "workers" && rest[0] === "stop") {
    const stopped = await stopFailoverWorkers(t, r);
    process.stdout.write(`✔ stopped ${stopped.join(", ") || "nothing (none running)"} in ${r.name}\n`);
    return;
  }
  if (cmd === "health") {
    const h = await regionHealth(t);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(h, null, 2)}\n`);
      return;
    }
    process.stdout.write(`global edge :${h.edge.port} ${h.edge.up ? "up" : "NOT ANSWERING"}\n`);
    for (const x of h.regions)
      process.stdout.write(
        `  ${x.region}: ${x.healthy ? "healthy" : "unhealthy"} (storefront ready ${x.serving ?? "?"}, core copy up ${x.databaseUp ?? "?"}); core ${x.database}\n`,
      );
    for (const [client, to] of Object.entries(h.routes)) process.stdout.write(`  clients of ${client} → ${to ?? "nowhere (503)"}\n`);
    return;
  }
  if (cmd === "cost") {
    const seconds = Number(values.seconds);
    if (!Number.isFinite(seconds) || seconds < 1 || seconds > 600) throw new Error(`--seconds must be 1–600\n${USAGE}`);
    const c = await regionCost(t, seconds * 1000);
    if (values.json) {
      process.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
      return;
    }
    const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
    process.stdout.write(`region ${r.name} over ${seconds} s:\n`);
    for (const p of c.region) process.stdout.write(`  ${p.name.padEnd(18)} ${mb(p.rssKb).padStart(7)}  ${String(p.cpuMillicores).padStart(5)} m\n`);
    process.stdout.write(`  ${"total".padEnd(18)} ${mb(c.regionRssKb).padStart(7)}  ${String(c.regionMillicores).padStart(5)} m   (the rest of the topology: ${mb(c.restRssKb)}, ${c.restMillicores} m)\n`);
    return;
  }
  throw new Error(USAGE);
});
