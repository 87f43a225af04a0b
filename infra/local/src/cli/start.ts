/**
 * `npm start`: builds the apps, brings the whole dev topology up, migrates every cluster, seeds
 * demo data once, starts the apps behind the HAProxy gateway, prints every URL and the demo
 * logins, and stays in the foreground. Ctrl-C stops everything it started, in a safe order.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { down, up } from "../launcher.ts";
import { appInstances, services, startApps, startServices } from "../apps.ts";
import { haproxyServers, routable } from "../probes/haproxy.ts";
import { waitFor } from "../processes/wait.ts";
import { formatStatus, getStatus } from "../status/index.ts";
import { startSupervisor } from "../supervisor/control.ts";
import { REPO_ROOT, storefrontUrl, topology } from "../topology.ts";
import { cliArgs } from "./args.ts";
import { stayInForeground } from "./foreground.ts";

const { values } = cliArgs({ "skip-build": { type: "boolean", default: false }, regions: { type: "string" } });
// `--regions 2`: the second region (us) beside eu (opt-in; its cost is in docs/adr/0010).
if (values.regions !== undefined) process.env.AGORA_REGIONS = values.regions;
const t = topology("dev");
const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);
const say = (l: string) => process.stdout.write(`${l}\n`);

function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, stdio: "inherit", env: { ...process.env, ...env } });
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

const apps = appInstances(t);

let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  say("\nStopping everything npm start started …");
  await down(t, (l) => say(`  ${l}`));
  say("✔ stopped");
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

async function main(): Promise<void> {
  const t0 = Date.now();
  if (!values["skip-build"]) {
    say("▸ building the apps (turbo caches unchanged ones) …");
    await run(bin("turbo"), ["run", "build", "--output-logs=errors-only"], { NEXT_TELEMETRY_DISABLED: "1", TURBO_TELEMETRY_DISABLED: "1" });
  }
  say(`▸ starting the servers (state and logs: ${t.stateDir}) …`);
  const r = await up(t, (l) => say(`  ${l}`));
  say(`  servers ready in ${(r.ms / 1000).toFixed(1)} s`);
  say("▸ migrating every cluster …");
  await run(bin("tsx"), ["infra/local/src/cli/migrate.ts", "--profile", "dev"]);
  say("▸ seeding demo data (once) …");
  await run(bin("tsx"), ["infra/local/src/cli/seed.ts", "--profile", "dev"]);

  say("▸ starting the apps (under the supervisor, which restarts crashed ones) …");
  await startSupervisor(t);
  await startServices(t, services(t));
  await startApps(t, apps);
  // The gateway routes by the service registry: wait until it sends to every storefront instance.
  await waitFor(
    "the gateway to route to every storefront instance (registered and ready)",
    async () => routable(await haproxyServers(t), "storefront_gateway").length >= t.apps.storefront.length,
    { timeoutMs: 60_000, process: "supervisor", logFile: join(t.logDir, "supervisor.log") },
  );

  say(formatStatus(await getStatus(t)));
  say(
    [
      `✔ Agora is up in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      "",
      `  Storefront (gateway)  ${storefrontUrl(t)}   instances: ${t.apps.storefront.map((p) => `http://${t.host}:${p}`).join(", ")}`,
      `  Vendor portal         http://${t.host}:${t.apps.vendorPortal}   (gateway https :${t.apps.vendorPortalGatewayHttps})`,
      `  Ops console           http://${t.host}:${t.apps.opsConsole}   (gateway https :${t.apps.opsConsoleGatewayHttps})`,
      `  HTTPS                 TLS 1.3, certificates from the local CA ${t.pki.caCert} (trust it, or accept the warning once); the plain gateway ports ${t.edge.plainHttp === "redirect" ? "redirect (308) to HTTPS" : "serve too"}`,
      `  HAProxy stats         ${t.haproxyInstances.map((i) => `${i.name} http://${t.host}:${i.statsPort}`).join(", ")}`,
      `  Payment simulator     http://${t.host}:${t.apps.paymentSim}  (faults: the console's Chaos page, or PUT /admin/faults with its admin token)`,
      `  Media CDN (nginx)     http://${t.host}:${t.apps.cdn}/media/…  (X-Cache: HIT|MISS; origin :${t.apps.mediaOrigin}; ${t.cdnInstances.map((i) => `${i.name} status :${i.statusPort}`).join(", ")})`,
      `  Live updates          Socket.IO on ${t.apps.realtime.map((p) => `:${p}`).join(", ")} (browsers use the gateway's /socket.io/)`,
      `  Telemetry collector   http://${t.host}:${t.apps.telemetryCollector}  (traces, logs: the console's Traces / Logs pages)`,
      `  Worker /metrics       ${Object.entries(t.apps.workerMetrics).map(([n, p]) => `${n}:${p}`).join(", ")}`,
      `  DB fault proxies      ${Object.entries(t.faultProxies).map(([c, p]) => `${c}:${p}`).join(", ")} (control :${t.faultProxyAdmin})`,
      `  Postgres (via HAProxy) ${t.clusters.map((c) => `${c.name} rw:${c.rwPort} ro:${c.roPort}`).join(", ")}`,
      `  Redis Sentinels       ${t.redis.sentinels.map((s) => s.port).join(", ")} (master name "${t.redis.masterName}")`,
      ...t.remoteRegions.map(
        (r) =>
          `  Region ${r.name}             storefront ${r.storefront.map((p) => `http://${t.host}:${p}`).join(", ")}; core standby :${r.coreStandby.roPort}; Redis Sentinels ${r.redis.sentinels.map((s) => s.port).join(", ")}; link control :${r.link.adminPort} (npm run region -- link cut|heal|…)`,
      ),
      "",
      '  Demo logins (password "agora-demo"): admin@agora.local, operator@agora.local, shopper@agora.local (storefront),',
      "  owner@<vendor>.agora.local and staff@<vendor>.agora.local for each vendor listed by the seed above.",
      `  Logs: ${t.logDir}    Status: npm run infra:status    Drill: npm run drill:failover -- --cluster core`,
      "",
      "  Ctrl-C stops everything.",
    ].join("\n"),
  );

  await stayInForeground({ pidFile: t.pidFile, stateDir: t.stateDir, say });
  process.exit(0);
}

main().catch(async (err: unknown) => {
  process.stderr.write(`\n✖ ${err instanceof Error ? err.message : String(err)}\n`);
  await stopAll(1);
});
