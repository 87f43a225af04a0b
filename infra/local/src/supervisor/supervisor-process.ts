/**
 * `node --import tsx infra/local/src/supervisor/supervisor-process.ts`: the supervisor as its own
 * small process (started by `npm start`, detached), so it keeps restarting crashed processes after
 * the terminal that ran `npm start` is closed. Control API on a Unix socket in the state folder:
 *   POST /spawn/<name>   spawn a product process as our child (startServices calls this)
 *   GET  /state          restarts and last exits (also written to supervisor.json)
 *   GET  /healthz
 *   POST /autoscaler/on|off   the autoscaler loop acts, or only samples (a spike without it)
 * SIGTERM (npm stop) ends supervision first, so the stop that follows restarts nothing.
 */
import { rmSync } from "node:fs";
import { createServer, type ServerResponse } from "node:http";
import { Autoscaler, localMetricSources, localTargets } from "../autoscaler/index.ts";
import { GatewaySync } from "../gateway/gateway-sync.ts";
import { rolloutWeights } from "../rollout/release-env.ts";
import { topology } from "../topology.ts";
import { readSupervisorState, supervisorSocket } from "./control.ts";
import { Supervisor } from "./supervisor.ts";

const t = topology();
const supervisor = new Supervisor(t);
supervisor.start();

// HAProxy's registry-routed backends follow etcd from here: this process already runs all the
// time, so the gateway's membership costs no process of its own.
// Server weights follow a rollout's traffic split (canary share), applied before a slot is readied.
const gatewaySync = new GatewaySync(t, { weights: rolloutWeights(t) });
async function startGatewaySync(attempt = 1): Promise<void> {
  try {
    await gatewaySync.start();
  } catch (err) {
    const delay = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2);
    process.stdout.write(
      `${new Date().toISOString()} [gateway-sync] registry not reachable (${err instanceof Error ? err.message : String(err)}); retry in ${Math.round(delay)} ms\n`,
    );
    setTimeout(() => void startGatewaySync(attempt + 1), delay).unref();
  }
}
// AGORA_GATEWAY_SYNC=off: restarts only (a test of restarts on a topology shared with tests that
// expect the gateway's configured routing; the sync has a test and an HAProxy of its own).
if (process.env.AGORA_GATEWAY_SYNC !== "off") void startGatewaySync();

// The autoscaler loop: one more timer in this process (every 15 s), no process of its own.
// AGORA_AUTOSCALE=off starts it sampling only; the console or `npm run spike` switch it.
const metricSources = localMetricSources(t);
const autoscaler = new Autoscaler(t, {
  targets: localTargets(t),
  actuator: { spawn: (name) => supervisor.spawn(name), retire: (name) => void supervisor.retire(name) },
  sources: metricSources,
  enabled: process.env.AGORA_AUTOSCALE !== "off",
  onState: (s) => supervisor.setAutoscalerState(s),
});
if (process.env.AGORA_GATEWAY_SYNC !== "off") autoscaler.start();

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const server = createServer((req, res) => {
  const spawnMatch = /^\/spawn\/([^/]+)$/.exec(req.url ?? "");
  if (req.method === "POST" && spawnMatch?.[1]) {
    const name = decodeURIComponent(spawnMatch[1]);
    supervisor.spawn(name).then(
      (known) =>
        send(
          res,
          known ? 200 : 404,
          known ? { spawned: name } : { error: `unknown process ${name}` },
        ),
      (err: unknown) => send(res, 500, { error: err instanceof Error ? err.message : String(err) }),
    );
    return;
  }
  const scaleMatch = /^\/autoscaler\/(on|off)$/.exec(req.url ?? "");
  if (req.method === "POST" && scaleMatch) {
    autoscaler.setEnabled(scaleMatch[1] === "on");
    return send(res, 200, { enabled: autoscaler.state.enabled });
  }
  if (req.method === "GET" && req.url === "/state") return send(res, 200, readSupervisorState(t));
  if (req.method === "GET" && req.url === "/healthz") return send(res, 200, { ok: true });
  send(res, 404, { error: "not found" });
});

// A socket file left by a killed supervisor would make listen() fail with EADDRINUSE.
rmSync(supervisorSocket(t), { force: true });
server.listen(supervisorSocket(t));

function shutdown(): void {
  supervisor.stop();
  void autoscaler.stop().then(() => metricSources.close());
  void gatewaySync.stop();
  server.close();
  rmSync(supervisorSocket(t), { force: true });
  process.exit(0);
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
