/** The Next.js apps as processes of the topology: started after the servers, stopped first. */
import { join } from "node:path";
import { WORKER_POOLS } from "@agora/config";
import { isOurs, readRegistry } from "./processes/registry.ts";
import { exitOf, type StartSpec, spawnDetached } from "./processes/spawn.ts";
import {
  readSupervisorState,
  releaseSupervision,
  spawnUnderSupervisor,
  supervisorGaveUp,
} from "./supervisor/control.ts";
import { StartupError, tail, waitFor } from "./processes/wait.ts";
import { listenPort, metricsPortOf, processEnv } from "./env/process-env.ts";
import { nodeEntry } from "./node-entry.ts";
import { stableReleaseEnv } from "./rollout/release-env.ts";
import {
  euProcessOf,
  FAILOVER_WORKERS,
  failoverWorkerName,
  REPO_ROOT,
  type RemoteRegion,
  storefrontPorts,
  type Topology,
} from "./topology.ts";

export type AppName = "storefront" | "vendor-portal" | "ops-console";

/** One Node process of the product (Next.js app, simulator, worker pool) as the launcher runs it. */
export interface ServiceSpec {
  name: string;
  /** Arguments after `node`: the Next.js CLI, or a TypeScript entry run with the tsx loader. */
  args: string[];
  cwd: string;
  port?: number;
  /** Ready when this path answers 200; without one, ready when still alive after start-up. */
  healthPath?: string;
  /** No health path on `port` (not HTTP): start-up waits for its ops port's /healthz instead. */
  waitReady?: boolean;
  env?: Record<string, string>;
  /** Substring of the command line that identifies the process (fallback when /proc lacks a start time). */
  match: string;
}

/** One `next start` instance of a Next.js app on `port`. */
function nextInstance(t: Topology, name: string, dir: string, port: number): ServiceSpec {
  return {
    name,
    // HOST and PORT of the process's env (processEnv) are what `next start` listens on.
    args: [join(REPO_ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", processEnv(t, name).HOST ?? t.host],
    cwd: join(REPO_ROOT, dir),
    port,
    healthPath: "/healthz",
    // NEXT_MANUAL_SIG_HANDLE: SIGTERM is the app's own (instrumentation-node.ts), which drains
    // its registry entry before exiting instead of Next exiting at once.
    env: { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", NEXT_MANUAL_SIG_HANDLE: "1" },
    match: "next",
  };
}

export function appInstances(
  t: Topology,
  which: AppName[] = ["storefront", "vendor-portal", "ops-console"],
): ServiceSpec[] {
  const next = (name: string, dir: string, port: number) => nextInstance(t, name, dir, port);
  const out: ServiceSpec[] = [];
  if (which.includes("storefront")) {
    t.apps.storefront.forEach((port, i) =>
      out.push(next(`storefront-${i + 1}`, "apps/storefront", port)),
    );
    // The second region's storefronts (`--regions 2`): same build, the region's environment.
    for (const r of t.remoteRegions)
      r.storefront.forEach((port, i) => out.push(next(`storefront-${r.name}-${i + 1}`, "apps/storefront", port)));
  }
  if (which.includes("vendor-portal"))
    out.push(next("vendor-portal", "apps/vendor-portal", t.apps.vendorPortal));
  if (which.includes("ops-console"))
    out.push(next("ops-console", "apps/ops-console", t.apps.opsConsole));
  return out;
}

/** One process each, no wrapper process that would not pass signals on: tsx as a loader for
 * infra/local's own processes; the product's services from their bundles when fresh (node-entry.ts). */
function tsService(
  name: string,
  entry: string,
  args: string[],
  extra: Partial<ServiceSpec> = {},
): ServiceSpec {
  const workspace = /^(apps\/[^/]+)\/src\/main\.ts$/.exec(entry)?.[1];
  const run = workspace
    ? nodeEntry(workspace)
    : { args: ["--import", "tsx", join(REPO_ROOT, entry)], match: entry };
  return { ...extra, name, args: [...run.args, ...args], cwd: REPO_ROOT, match: run.match };
}

/**
 * The inventory gRPC service's instances (`inventory-1`, …), each on its own port; ready once
 * its ops port answers /healthz (the ops server starts after the gRPC port is bound). The test
 * topology starts them too.
 */
export function inventoryServices(t: Topology): ServiceSpec[] {
  return t.apps.inventory.map((port, i) =>
    tsService(`inventory-${i + 1}`, "apps/workers/src/main.ts", [`inventory-${i + 1}`], {
      port,
      waitReady: true,
    }),
  );
}

/** Non-Next processes `npm start` runs beside the apps: simulators and worker pools (one per pool). */
export function services(t: Topology): ServiceSpec[] {
  const ts = tsService;
  return [
    // First: once it runs, everything started after it reaches the primaries through it.
    // Part of infra/local itself: it reads the topology, not the product's environment.
    ts("fault-proxy", "infra/local/src/chaos/fault-proxy-process.ts", [], {
      port: t.faultProxyAdmin,
      healthPath: "/healthz",
      env: {
        AGORA_PROFILE: t.profile.name,
        AGORA_STATE_DIR: t.stateDir,
        ...(process.env.AGORA_BASE_PORT ? { AGORA_BASE_PORT: process.env.AGORA_BASE_PORT } : {}),
      },
    }),
    // Before every traced process, so their first spans and log lines have somewhere to go.
    ts("telemetry-collector", "apps/workers/src/main.ts", ["telemetry-collector"], {
      port: t.apps.telemetryCollector,
      healthPath: "/healthz",
    }),
    ts("payment-sim", "apps/payment-sim/src/main.ts", [], {
      port: t.apps.paymentSim,
      healthPath: "/healthz",
    }),
    // The OpenID Connect provider: client_credentials tokens for the vendor REST API.
    ts("identity", "apps/identity/src/main.ts", [], {
      port: t.apps.identity,
      healthPath: "/healthz",
    }),
    // The inventory gRPC service, before the pools that call it (sagas, payments).
    ...inventoryServices(t),
    ts("workers-sagas", "apps/workers/src/main.ts", ["sagas"]),
    // Bulkhead: every payment provider call (and the carrier's webhooks) in its own process.
    ts("workers-payments", "apps/workers/src/main.ts", ["payments"], {
      port: t.apps.carrierWebhook,
      healthPath: "/healthz",
    }),
    ts("outbox-relay", "apps/workers/src/main.ts", ["outbox-relay"]),
    // Hot standby: a second candidate of the same election (and fence), relaying once the
    // leader's lease lapses; the fencing token keeps a late old leader from marking anything.
    ts("outbox-relay-2", "apps/workers/src/main.ts", ["outbox-relay"]),
    // Bulk CSV imports from the vendor portal (its own process: bulkhead).
    ts("workers-imports", "apps/workers/src/main.ts", ["imports"]),
    // Housekeeping: vendor payout settlement (two-phase commit) and recovery of in-doubt payouts.
    ts("workers-maintenance", "apps/workers/src/main.ts", ["maintenance"]),
    ts("workers-projections", "apps/workers/src/main.ts", ["projections"]),
    ts("workers-notifications", "apps/workers/src/main.ts", ["notifications"]),
    // Stream rollups (order outbox + view stream) and the scheduled batch reconcile.
    ts("workers-analytics", "apps/workers/src/main.ts", ["analytics"]),
    // Behind the nginx CDN edge (launcher.ts); serves <stateDir>/media.
    ts("media-origin", "apps/workers/src/main.ts", ["media-origin"], {
      port: t.apps.mediaOrigin,
      healthPath: "/healthz",
    }),
    // Socket.IO gateways behind the storefront gateway's /socket.io/ route (config/haproxy.ts).
    ...t.apps.realtime.map((port, i) =>
      ts(`realtime-${i + 1}`, "apps/workers/src/main.ts", [`realtime-${i + 1}`], {
        port,
        healthPath: "/healthz",
      }),
    ),
  ];
}

/**
 * What region `r` runs only while it holds core's primary (topology FAILOVER_WORKERS, started and
 * stopped by regions/failover-workers.ts): eu's own definitions of those processes, renamed for
 * the region and on its ports; their environment is the region's (env/process-env.ts).
 */
export function failoverServices(t: Topology, r: RemoteRegion): ServiceSpec[] {
  const eu = services(t);
  return FAILOVER_WORKERS.map((w) => {
    const spec = eu.find((s) => s.name === euProcessOf(w));
    if (!spec) throw new Error(`no process ${euProcessOf(w)} in the topology to run in ${r.name}`);
    const name = failoverWorkerName(r, w);
    const port = listenPort(t, name);
    return { ...spec, name, ...(port !== undefined ? { port } : {}) };
  });
}

const FAULT_PROXY = "fault-proxy";

async function answers(t: Topology, port: number, path: string): Promise<boolean> {
  return (await fetch(`http://${t.host}:${port}${path}`, { signal: AbortSignal.timeout(1000) })).ok;
}

export const serviceLogFile = (t: Topology, s: Pick<ServiceSpec, "name">): string =>
  join(t.logDir, `${s.name}.log`);

/**
 * Instances the autoscaler adds beyond what `npm start` runs: `storefront-3` … up to the
 * topology's storefront slots, and further processes of a worker pool, `workers-sagas-2`, … (no
 * ops port of their own: the pool's queue metrics come from Redis, not from each process).
 */
export function scaledInstanceByName(t: Topology, name: string): ServiceSpec | undefined {
  const storefront = /^storefront-(\d+)$/.exec(name);
  if (storefront) {
    const port = storefrontPorts(t)[Number(storefront[1]) - 1];
    return port === undefined ? undefined : nextInstance(t, name, "apps/storefront", port);
  }
  const pool = /^workers-([a-z]+)-(\d+)$/.exec(name);
  if (pool?.[1] && Number(pool[2]) >= 2 && (WORKER_POOLS as readonly string[]).includes(pool[1]) && pool[1] !== "payments")
    return tsService(name, "apps/workers/src/main.ts", [pool[1]]);
  return undefined;
}

/** Every product process `npm start` runs, by name: what the supervisor may restart. */
export function serviceByName(t: Topology, name: string): ServiceSpec | undefined {
  return (
    [...services(t), ...appInstances(t), ...t.remoteRegions.flatMap((r) => failoverServices(t, r))].find((s) => s.name === name) ??
    scaledInstanceByName(t, name)
  );
}

/**
 * How a service is spawned: its command line and, as environment variables, everything it knows
 * about the topology. With the fault proxy running, apps and workers reach the primaries through
 * it (chaos controls), so this waits for the proxy first.
 */
export async function serviceStartSpec(t: Topology, s: ServiceSpec): Promise<StartSpec> {
  const viaProxy =
    s.name !== FAULT_PROXY &&
    readRegistry(t.pidFile).some((x) => x.name === FAULT_PROXY && isOurs(x));
  if (viaProxy)
    await waitFor(`${FAULT_PROXY} /healthz`, () => answers(t, t.faultProxyAdmin, "/healthz"), {
      timeoutMs: 30_000,
      process: FAULT_PROXY,
      logFile: serviceLogFile(t, { name: FAULT_PROXY }),
    });
  return {
    name: s.name,
    kind: "app",
    command: process.execPath,
    args: s.args,
    cwd: s.cwd,
    logFile: serviceLogFile(t, s),
    port: s.port,
    env: {
      ...processEnv(t, s.name, { viaFaultProxy: viaProxy }),
      ...(s.port ? { PORT: String(s.port) } : {}),
      // A promoted release's AGORA_RELEASE (and flags) for the topology's storefront instances.
      ...stableReleaseEnv(t, s.name),
      ...s.env,
    },
    match: s.match,
  };
}

/**
 * Ready when its health path answers 200; a worker pool without a port of its own when its ops
 * port (AGORA_METRICS_PORT) does; anything else as soon as it runs. `exited` (see waitFor) ends
 * the wait as soon as the process has stopped for good.
 */
export async function waitServiceReady(
  t: Topology,
  s: ServiceSpec,
  timeoutMs = 120_000,
  exited?: () => string | undefined,
): Promise<void> {
  const metricsPort = metricsPortOf(t, s.name);
  const probe =
    s.healthPath && s.port
      ? { port: s.port, path: s.healthPath }
      : metricsPort !== undefined
        ? { port: metricsPort, path: "/healthz" }
        : undefined;
  if (!probe) return;
  await waitFor(`${s.name} ${probe.path}`, () => answers(t, probe.port, probe.path), {
    timeoutMs,
    process: s.name,
    logFile: serviceLogFile(t, s),
    exited,
  });
}

/**
 * Starts the processes not already running and waits until each one is ready. With a supervisor
 * running, it spawns them (so it is their parent and sees how they exit); otherwise they start here.
 */
export async function startServices(t: Topology, specs: ServiceSpec[]): Promise<void> {
  const logFile = (s: Pick<ServiceSpec, "name">) => serviceLogFile(t, s);
  // Each wait below fails once its process has stopped for good. The supervisor restarts its
  // children (with backoff) during the wait, so for those only its giving up counts; for one
  // spawned here, its exit. One that already ran keeps the plain timeout.
  const exited = new Map<string, () => string | undefined>();
  for (const s of specs) {
    const existing = readRegistry(t.pidFile).find((x) => x.name === s.name);
    if (existing && isOurs(existing)) continue;
    releaseSupervision(t, s.name);
    if (await spawnUnderSupervisor(t, s.name)) {
      exited.set(s.name, () => supervisorGaveUp(t, s.name));
      continue;
    }
    const { child } = spawnDetached(t.pidFile, await serviceStartSpec(t, s));
    exited.set(s.name, () => exitOf(child));
  }
  for (const s of specs) {
    if ((s.healthPath && s.port) || s.waitReady) {
      await waitServiceReady(t, s, undefined, exited.get(s.name));
      continue;
    }
    await new Promise((r) => setTimeout(r, 3000));
    const rec = readRegistry(t.pidFile).find((x) => x.name === s.name);
    // Put to sleep by the autoscaler meanwhile (a pool allowed to run at 0): not a failed start.
    if ((!rec || !isOurs(rec)) && readSupervisorState(t)?.processes[s.name]?.state === "retired") continue;
    if (!rec || !isOurs(rec)) {
      throw new StartupError(
        `${s.name} exited during start-up.\nlog: ${logFile(s)}\n${tail(logFile(s))}`,
        s.name,
        logFile(s),
      );
    }
  }
}

/** The Next.js apps are services too; kept as a name for readers of the start-up code. */
export const startApps = startServices;
