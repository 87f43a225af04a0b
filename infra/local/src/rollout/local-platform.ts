/**
 * The rollout controller's platform on the local topology: new-version instances are storefront
 * processes started beside the topology's own (free ports, names `storefront-1xx`), traffic is
 * split by HAProxy server weights over the runtime API (no reload), readiness and versions come
 * from the service registry, and the stable set is replaced by restarting the topology's own
 * storefront instances (supervised) with the new release's environment (`release.json`).
 */
import { writeFileSync } from "node:fs";
import { parseInstance, registryClient, type ServiceInstance, servicePrefix } from "@agora/registry";
import pg from "pg";
import { serviceByName, serviceStartSpec } from "../apps.ts";
import { etcdEndpoints } from "../config/etcd.ts";
import { GATEWAY_BACKENDS, runtimeSocketOf } from "../config/haproxy.ts";
import { etcdClientTlsFiles } from "../security/tls-files.ts";
import { processEnv } from "../env/process-env.ts";
import { runtimeCommand, saveServerState, serversState } from "../gateway/runtime-api.ts";
import { isAlive, isOurs, readRegistry, removeRecord } from "../processes/registry.ts";
import { startProcess, type StartSpec } from "../processes/spawn.ts";
import { holdSupervision, releaseSupervision, spawnUnderSupervisor } from "../supervisor/control.ts";
import { databaseUrl, type Topology } from "../topology.ts";
import type { ReleasePlatform } from "./controller.ts";
import { releaseEnv, stableReleaseFile } from "./release-env.ts";
import type { TrafficSplit } from "./rollout-state.ts";
import { instanceWeights } from "./traffic-split.ts";
import { scrapeInstances } from "./version-metrics.ts";
import { freePort } from "../processes/free-port.ts";

const SERVICE = "storefront";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LocalPlatformOptions {
  /** etcd endpoints and prefix; default the topology's. */
  etcd?: { endpoints: string[]; prefix: string };
  /** How an extra instance is started; default a storefront `next start` like the topology's own. */
  instanceSpec?: (name: string, port: number, env: Record<string, string>) => Promise<StartSpec>;
  /** The deployment's own instances (replaced one by one on promotion); default the topology's storefronts. */
  stableInstances?: { name: string; port: number }[];
  /** Paths requested on each preview instance during a blue-green pre-promotion analysis. */
  previewPaths?: string[];
  metricsToken?: string;
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export function localPlatform(t: Topology, o: LocalPlatformOptions = {}): ReleasePlatform & { close(): void } {
  const etcd = o.etcd ?? { endpoints: etcdEndpoints(t), prefix: t.profile.namespace };
  // The topology's own etcd takes the state folder's client certificate; given endpoints, the
  // environment's (AGORA_ETCD_*_FILE).
  const client = o.etcd ? registryClient(o.etcd.endpoints) : registryClient(etcd.endpoints, undefined, etcdClientTlsFiles(t));
  const backend = GATEWAY_BACKENDS.storefront.backend;
  const token = o.metricsToken ?? processEnv(t, "ops-console").AGORA_METRICS_TOKEN ?? "";
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const stableInstances = o.stableInstances ?? t.apps.storefront.map((port, i) => ({ name: `storefront-${i + 1}`, port }));

  const members = async (): Promise<ServiceInstance[]> => {
    const kvs = await client.getAll().prefix(servicePrefix(etcd.prefix, SERVICE)).strings();
    return Object.entries(kvs).map(([k, v]) => parseInstance(k, v));
  };

  const waitReady = async (name: string): Promise<void> => {
    const deadline = Date.now() + (o.readyTimeoutMs ?? 180_000);
    while (Date.now() < deadline) {
      if ((await members()).some((m) => m.instanceId === name && m.ready)) return;
      const rec = readRegistry(t.pidFile).find((r) => r.name === name);
      if (rec && !isAlive(rec.pid)) throw new Error(`${name} exited during start-up (log: ${rec.logFile})`);
      await sleep(300);
    }
    throw new Error(`${name} did not register ready within ${(o.readyTimeoutMs ?? 180_000) / 1000} s`);
  };

  const defaultSpec = async (name: string, port: number, env: Record<string, string>): Promise<StartSpec> => {
    const base = serviceByName(t, "storefront-1");
    if (!base) throw new Error("the topology has no storefront instance to model a release instance on");
    const spec = await serviceStartSpec(t, { ...base, name, port, args: base.args.map((a, i) => (base.args[i - 1] === "-p" ? String(port) : a)) });
    // serviceStartSpec gave it the topology's environment for its name (through the fault proxy when that runs).
    return { ...spec, env: { ...spec.env, PORT: String(port), ...env } };
  };
  const instanceSpec = o.instanceSpec ?? defaultSpec;

  const stop = async (name: string): Promise<void> => {
    const rec = readRegistry(t.pidFile).find((r) => r.name === name);
    if (!rec || !isOurs(rec)) return;
    // SIGTERM: the instance marks itself not ready (the gateway drains its slot), lets in-flight
    // requests finish, deregisters, then exits (packages/registry self-registration).
    process.kill(rec.pid, "SIGTERM");
    const deadline = Date.now() + 30_000;
    while (isAlive(rec.pid) && Date.now() < deadline) await sleep(200);
    if (isAlive(rec.pid)) process.kill(rec.pid, "SIGKILL");
    removeRecord(t.pidFile, name);
  };

  return {
    stateDir: t.stateDir,
    members,
    log,
    close: () => client.close(),

    async startInstances(release, count) {
      const taken = new Set(readRegistry(t.pidFile).map((r) => r.name));
      const started: { name: string; port: number }[] = [];
      for (let k = 101; started.length < count; k++) {
        const name = `${SERVICE}-${k}`;
        if (taken.has(name)) continue;
        const port = await freePort(t.host);
        startProcess(t.pidFile, await instanceSpec(name, port, { ...releaseEnv(release), AGORA_SERVICE_NAME: name }));
        started.push({ name, port });
      }
      await Promise.all(started.map((s) => waitReady(s.name)));
      return started;
    },

    stopInstance: stop,

    async replaceStable(release) {
      writeFileSync(stableReleaseFile(t), `${JSON.stringify(release)}\n`);
      for (const s of stableInstances) {
        holdSupervision(t, s.name);
        try {
          await stop(s.name);
          if (!(await spawnUnderSupervisor(t, s.name)))
            startProcess(t.pidFile, await instanceSpec(s.name, s.port, { ...releaseEnv(release), AGORA_SERVICE_NAME: s.name }));
        } finally {
          releaseSupervision(t, s.name);
        }
        await waitReady(s.name);
        log(`${s.name} runs ${release.version}`);
      }
    },

    async applySplit(split: TrafficSplit) {
      const all = (await members()).filter((m) => m.service === SERVICE);
      const weightOf = instanceWeights(split, all);
      const byAddress = new Map(all.map((m) => [m.address, m]));
      // Every HAProxy instance of the edge (they share the gateway's port) gets the same split.
      for (const instance of t.haproxyInstances) {
        const socket = runtimeSocketOf(instance);
        const changes: { slot: string; weight: number; delta: number }[] = [];
        for (const slot of await serversState(socket, backend)) {
          const m = byAddress.get(`${slot.addr}:${slot.port}`);
          if (!m || slot.maint) continue;
          const w = weightOf(m);
          if (w !== slot.weight) changes.push({ slot: slot.name, weight: w, delta: w - slot.weight });
        }
        // Raised before lowered: a switch never passes through all servers at weight 0 (a 503).
        for (const c of changes.sort((a, b) => b.delta - a.delta)) {
          const answer = (await runtimeCommand(socket, `set server ${backend}/${c.slot} weight ${c.weight}`)).trim();
          if (answer) throw new Error(`HAProxy ${instance.name} refused weight ${c.weight} for ${c.slot}: ${answer}`);
        }
        if (changes.length > 0) await saveServerState(instance, socket);
      }
    },

    async scrape(addresses) {
      return (await scrapeInstances(addresses, token)).counters;
    },

    async previewTraffic(addresses, durationMs) {
      const paths = o.previewPaths ?? ["/healthz"];
      const until = Date.now() + durationMs;
      while (Date.now() < until) {
        await Promise.all(
          addresses.flatMap((a) =>
            paths.map(async (p) => {
              const res = await fetch(`http://${a}${p}`, { signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
              await res?.arrayBuffer();
            }),
          ),
        );
        await sleep(100);
      }
    },

    async missingMigrations(release) {
      if (release.requiresMigrations.length === 0) return [];
      const db = new pg.Client({ connectionString: databaseUrl(t, "core", "rw", { as: "superuser" }) });
      await db.connect();
      try {
        const { rows } = await db.query<{ version: string; name: string }>("select version, name from schema_migrations");
        const applied = new Set(rows.flatMap((r) => [r.version, `${r.version}_${r.name}`]));
        return release.requiresMigrations.filter((m) => !applied.has(m));
      } finally {
        await db.end();
      }
    },
  };
}
