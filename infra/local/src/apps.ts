/** The Next.js apps as processes of the topology: started after the servers, stopped first. */
import { join } from "node:path";
import { isOurs, readRegistry } from "./processes/registry.ts";
import { startProcess } from "./processes/spawn.ts";
import { waitFor } from "./processes/wait.ts";
import { REPO_ROOT, type Topology } from "./topology.ts";

export type AppName = "storefront" | "vendor-portal" | "ops-console";

export interface AppInstance {
  name: string;
  dir: string;
  port: number;
}

export function appInstances(t: Topology, which: AppName[] = ["storefront", "vendor-portal", "ops-console"]): AppInstance[] {
  const out: AppInstance[] = [];
  if (which.includes("storefront")) {
    t.apps.storefront.forEach((port, i) => out.push({ name: `storefront-${i + 1}`, dir: "apps/storefront", port }));
  }
  if (which.includes("vendor-portal")) out.push({ name: "vendor-portal", dir: "apps/vendor-portal", port: t.apps.vendorPortal });
  if (which.includes("ops-console")) out.push({ name: "ops-console", dir: "apps/ops-console", port: t.apps.opsConsole });
  return out;
}

/** Starts the built apps (`next start`) and waits for each one's /healthz. */
export async function startApps(t: Topology, apps: AppInstance[]): Promise<void> {
  for (const a of apps) {
    const existing = readRegistry(t.pidFile).find((x) => x.name === a.name);
    if (existing && isOurs(existing)) continue;
    startProcess(t.pidFile, {
      name: a.name,
      kind: "app",
      command: process.execPath,
      args: [join(REPO_ROOT, "node_modules/next/dist/bin/next"), "start", "-p", String(a.port), "-H", t.host],
      cwd: join(REPO_ROOT, a.dir),
      logFile: join(t.logDir, `${a.name}.log`),
      port: a.port,
      env: {
        AGORA_PROFILE: t.profile.name,
        PORT: String(a.port),
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        ...(process.env.AGORA_BASE_PORT ? { AGORA_BASE_PORT: process.env.AGORA_BASE_PORT } : {}),
        ...(process.env.AGORA_STATE_DIR ? { AGORA_STATE_DIR: process.env.AGORA_STATE_DIR } : {}),
      },
      match: "next",
    });
  }
  for (const a of apps) {
    await waitFor(
      `${a.name} /healthz`,
      async () => (await fetch(`http://${t.host}:${a.port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok,
      { timeoutMs: 60_000, process: a.name, logFile: join(t.logDir, `${a.name}.log`) },
    );
  }
}

export interface ServiceSpec {
  name: string;
  /** TypeScript entry point, run by Node with the tsx loader in one process (no wrapper). */
  entry: string;
  args?: string[];
  port?: number;
  /** Ready when this path answers 200; without one, ready when still alive after start-up. */
  healthPath?: string;
}

/** Non-Next processes `npm start` runs beside the apps: simulators and worker pools (one per pool). */
export function services(t: Topology): ServiceSpec[] {
  return [
    { name: "payment-sim", entry: "apps/payment-sim/src/main.ts", port: t.apps.paymentSim, healthPath: "/healthz" },
    { name: "workers-sagas", entry: "apps/workers/src/main.ts", args: ["sagas"] },
    { name: "outbox-relay", entry: "apps/workers/src/main.ts", args: ["outbox-relay"] },
  ];
}

export async function startServices(t: Topology, specs: ServiceSpec[]): Promise<void> {
  for (const s of specs) {
    const existing = readRegistry(t.pidFile).find((x) => x.name === s.name);
    if (existing && isOurs(existing)) continue;
    startProcess(t.pidFile, {
      name: s.name,
      kind: "app",
      command: process.execPath,
      args: ["--import", "tsx", join(REPO_ROOT, s.entry), ...(s.args ?? [])],
      cwd: REPO_ROOT,
      logFile: join(t.logDir, `${s.name}.log`),
      port: s.port,
      env: {
        AGORA_PROFILE: t.profile.name,
        ...(s.port ? { PORT: String(s.port) } : {}),
        ...(process.env.AGORA_BASE_PORT ? { AGORA_BASE_PORT: process.env.AGORA_BASE_PORT } : {}),
        ...(process.env.AGORA_STATE_DIR ? { AGORA_STATE_DIR: process.env.AGORA_STATE_DIR } : {}),
      },
      match: s.entry,
    });
  }
  for (const s of specs) {
    const logFile = join(t.logDir, `${s.name}.log`);
    if (s.healthPath && s.port) {
      await waitFor(
        `${s.name} ${s.healthPath}`,
        async () => (await fetch(`http://${t.host}:${s.port}${s.healthPath}`, { signal: AbortSignal.timeout(1000) })).ok,
        { timeoutMs: 30_000, process: s.name, logFile },
      );
    } else {
      await new Promise((r) => setTimeout(r, 3000));
      const rec = readRegistry(t.pidFile).find((x) => x.name === s.name);
      if (!rec || !isOurs(rec)) {
        await waitFor(`${s.name} to stay up`, async () => false, { timeoutMs: 0, process: s.name, logFile });
      }
    }
  }
}
