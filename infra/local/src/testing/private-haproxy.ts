/**
 * A private HAProxy for integration tests: the real binary with the generated edge config, on the
 * test topology with a temporary state folder and free ports of its own, so it never meets the
 * topology's HAProxy. Its runtime socket and server-state file sit beside its config in that folder.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { haproxyConfig, type HaproxyOptions, haproxyRuntimeSocket } from "../config/haproxy.ts";
import { serversState } from "../gateway/runtime-api.ts";
import { type Topology, topology } from "../topology.ts";
import { freePort } from "../processes/free-port.ts";

const HAPROXY = "/usr/sbin/haproxy";
const RUNTIME_API_TIMEOUT_MS = 30_000;

export interface PrivateHaproxyOptions {
  /** Prefix of its temporary folder, e.g. `agora-gw-`. */
  tmpPrefix: string;
  /** The storefront instances its gateway routes to. */
  storefront: number[];
  /** What else the test's topology sets, given the folder (a pids file, edge instances of its own). */
  topology?: (dir: string) => Partial<Topology> | Promise<Partial<Topology>>;
  /** Options of the generated config (a scaled-down flood limit, the cached procedures). */
  config?: HaproxyOptions;
}

export interface PrivateHaproxy {
  /** Its temporary folder: the topology's state folder, removed by `stop`. */
  readonly dir: string;
  readonly topology: Topology;
  /** `http://127.0.0.1:<apps.gateway>`. */
  readonly gateway: string;
  /** The running HAProxy (a new process after `restart`). */
  readonly process: ChildProcess;
  /** SIGTERM, then the same config started again; resolves when its runtime API answers. */
  restart(): Promise<void>;
  /** SIGTERM, then its folder removed once it has exited. */
  stop(): Promise<void>;
}

/** Starts it and resolves when its runtime API answers; on a failure it stops and cleans up itself. */
export async function startPrivateHaproxy(o: PrivateHaproxyOptions): Promise<PrivateHaproxy> {
  const dir = mkdtempSync(join(tmpdir(), o.tmpPrefix));
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child) await terminate(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const t = await privateTopology(dir, o);
    mkdirSync(dirname(t.haproxy.configFile), { recursive: true });
    mkdirSync(t.logDir, { recursive: true });
    writeFileSync(t.haproxy.configFile, haproxyConfig(t, o.config));
    const start = async () => {
      child = spawn(HAPROXY, ["-db", "-f", t.haproxy.configFile], { stdio: "ignore" });
      await runtimeApiUp(t, child);
    };
    await start();
    return {
      dir,
      topology: t,
      gateway: `http://127.0.0.1:${t.apps.gateway}`,
      get process() {
        return child!;
      },
      restart: async () => {
        await terminate(child!);
        await start();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function privateTopology(dir: string, o: PrivateHaproxyOptions): Promise<Topology> {
  const base = topology("test");
  const instance = {
    ...base.haproxy,
    configFile: join(dir, "haproxy", "haproxy.cfg"),
    statsPort: await freePort(),
    peerPort: await freePort(),
  };
  return {
    ...base,
    stateDir: dir,
    logDir: join(dir, "logs"),
    clusters: [],
    haproxy: instance,
    // One HAProxy of its own (the gateway sync and a rollout push to every instance of the topology).
    haproxyInstances: [instance],
    apps: {
      ...base.apps,
      storefront: o.storefront,
      gateway: await freePort(),
      storefrontPool: await freePort(),
      cdn: await freePort(),
      realtime: [],
      vendorPortal: await freePort(),
      vendorPortalGateway: await freePort(),
      opsConsole: await freePort(),
      opsConsoleGateway: await freePort(),
    },
    ...(await o.topology?.(dir)),
  };
}

/** Up when `show servers state` answers on its runtime socket (what the gateway sync talks to). */
async function runtimeApiUp(t: Topology, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + RUNTIME_API_TIMEOUT_MS;
  for (;;) {
    const failure = await serversState(haproxyRuntimeSocket(t)).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (failure === undefined) return;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(
        `HAProxy exited (${child.exitCode ?? child.signalCode}) before its runtime API answered`,
        { cause: failure },
      );
    if (Date.now() > deadline)
      throw new Error(`HAProxy's runtime API did not answer within ${RUNTIME_API_TIMEOUT_MS} ms`, {
        cause: failure,
      });
    await sleep(100);
  }
}

/** SIGTERM and its exit; at once for a process that has exited already or never started. */
async function terminate(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}
