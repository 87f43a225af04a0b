/**
 * The ops backend of the local topology (infra/local): status probes, process chaos, the TCP
 * fault proxies in front of the primaries, Patroni failover drills, nginx cache statistics.
 * Only this folder of the console may import infra/local (see eslint.config.js).
 */
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { LinkFaultView, OpsBackend, RegionLinkView } from "@agora/api/ops-backend";
import { BENCH_RUNS_SHOWN, SpikeAlreadyRunningError, UnknownOpsTargetError } from "@agora/api/ops-backend";
import { SpikeRunningError, spikeStatus, startSpike } from "@agora/infra-local/autoscaler";
import { readSupervisorState } from "@agora/infra-local/supervisor";
import { applyNodeAction, chaosTargets, UnknownTargetError } from "@agora/infra-local/chaos";
import { runFailoverDrill, runRegionFailoverDrill } from "@agora/infra-local/drills";
import { cdnCacheStats, patroniClusterFromAny } from "@agora/infra-local/probes";
import {
  etcdClientTlsFiles,
  serviceIdentityFiles,
  internalTlsEndpoints,
  peerCertificate,
  rotateServerCerts,
} from "@agora/infra-local/security";
import { readRolloutState, requestRolloutAction, rolloutJobRunning, startRolloutJob } from "@agora/infra-local/rollout";
import { getStatus, postgresLag } from "@agora/infra-local/status";
import {
  type ArbiterState,
  holdsCorePrimary,
  type LinkView,
  readArbiterState,
  regionHealth,
  regionLink,
  regionPlacements,
  runRegionFailback,
  setRegionLink,
  standbyStatus,
} from "@agora/infra-local/regions";
import { cluster as clusterOf, PRIMARY_REGION, SHARD_REGIONS, type Topology } from "@agora/infra-local/topology";

const CALL_TIMEOUT_MS = 3_000;

function arbiterView(a: ArbiterState | undefined): RegionLinkView["arbiter"] {
  return a ? { mode: a.mode, decision: a.decision.kind, reason: a.decision.reason, at: a.at } : null;
}

/** The link as the console shows it, with the remote region's standby lag and arbiter beside it. */
async function regionLinkView(t: Topology, link: LinkView): Promise<RegionLinkView> {
  const r = t.remoteRegions.find((x) => x.name === link.region);
  const standby = r ? await standbyStatus(t, r) : [];
  return {
    region: link.region,
    state: link.state,
    changedAt: link.changedAt,
    routes: link.routes.map((x) => ({ name: x.name, stats: { accepted: x.stats.accepted, dropped: x.stats.dropped, open: x.stats.open } })),
    standby: standby.map((s) => ({ member: s.member, role: s.role, lagBytes: s.lagBytes, copyAgeMs: s.heartbeatAgeMs })),
    arbiter: arbiterView(r ? readArbiterState(r) : undefined),
  };
}

/**
 * The bench's history file (tools/bench appends one JSON line per run): its newest lines, parsed;
 * a line that is not JSON becomes null (the API counts it as skipped). No file yet: no runs.
 */
async function readBenchHistory(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-BENCH_RUNS_SHOWN)
    .map((l) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        return null;
      }
    });
}

async function faultProxy(t: Topology, path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(`http://${t.host}:${t.faultProxyAdmin}${path}`, {
    ...init,
    headers: { "content-type": "application/json" },
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`fault proxy answered ${res.status} to ${path}`);
  return res.json();
}

/**
 * The console's record of its region drills: a file in the state folder, since the drill takes
 * core (the console's database) away. Written whole through a rename, so a reader never sees half.
 */
const regionDrillRecordFile = (t: Topology) => join(t.stateDir, "drills", "region-drill-console.json");

async function readRegionDrillRecord(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as unknown;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

async function writeRegionDrillRecord(file: string, record: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(record));
  await rename(tmp, file);
}

/** Whether a PID is alive (signal 0 checks without signalling). */
function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function localOpsBackend(t: Topology): OpsBackend {
  return {
    name: `local topology (${t.profile.name})`,
    clusterNames: () => t.clusters.map((c) => c.name),
    topologyStatus: () => getStatus(t),
    clusterMembers: async (name) => {
      const c = clusterOf(t, name);
      const state = await patroniClusterFromAny(c);
      return {
        name: c.name,
        leader: state?.leader ?? null,
        at: new Date().toISOString(),
        members: c.nodes.map((n) => {
          const m = state?.members.find((x) => x.name === n.name);
          return {
            name: n.name,
            role: m?.role ?? "unknown",
            state: m?.state ?? "unreachable",
            lagBytes: typeof m?.lag === "number" ? m.lag : null,
          };
        }),
      };
    },
    replicationLag: () => postgresLag(t),
    cdnStats: () => cdnCacheStats(t),
    benchHistory: () => readBenchHistory(join(t.stateDir, "bench", "history.jsonl")),
    // Same shape of file (tools/soak appends one JSON line per run).
    soakHistory: () => readBenchHistory(join(t.stateDir, "soak", "history.jsonl")),
    scalingState: () =>
      Promise.resolve({ autoscaler: readSupervisorState(t)?.autoscaler ?? null, spike: spikeStatus(t) }),
    startSpike: (req) => {
      try {
        startSpike(t, req);
        return Promise.resolve();
      } catch (err) {
        if (err instanceof SpikeRunningError) return Promise.reject(new SpikeAlreadyRunningError());
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
    },
    chaosTargets: () => chaosTargets(t),
    applyNodeAction: async (target, action) => {
      try {
        await applyNodeAction(t, target, action);
      } catch (err) {
        if (err instanceof UnknownTargetError) throw new UnknownOpsTargetError(target);
        throw err;
      }
    },
    linkFaults: async () => (await faultProxy(t, "/faults")) as LinkFaultView[],
    setLinkFault: async (cluster, fault) => {
      await faultProxy(t, `/faults/${cluster}`, { method: "PUT", body: JSON.stringify(fault) });
    },
    regionLink: async () => (t.remoteRegions.length === 0 ? null : regionLinkView(t, await regionLink(t))),
    setRegionLink: async (change) => regionLinkView(t, await setRegionLink(t, change)),
    regionHealth: async () => (t.remoteRegions.length === 0 ? null : regionHealth(t)),
    // The operator's press of the drill's button is the promotion's confirmation (ADR 0010).
    regionFailover: ({ onEvent }) => runRegionFailoverDrill({ topology: t, confirm: () => Promise.resolve(true), onEvent }),
    regionFailback: ({ onStep, onLog }) => runRegionFailback(t, onLog, onStep),
    readRegionDrillRecord: () => readRegionDrillRecord(regionDrillRecordFile(t)),
    writeRegionDrillRecord: (record) => writeRegionDrillRecord(regionDrillRecordFile(t), record),
    regionsOverview: async () => {
      const link = t.remoteRegions.length === 0 ? null : await regionLink(t).catch(() => undefined);
      // After a region failover the promoted region holds core's primary until failback.
      const promotedRegion = t.remoteRegions.find((r) => holdsCorePrimary(r))?.name ?? null;
      return {
        coreRegion: promotedRegion ?? PRIMARY_REGION,
        promotedRegion,
        regions: regionPlacements(t),
        shardRegions: { ...SHARD_REGIONS },
        links: link ? [await regionLinkView(t, link)] : [],
        unreachableLinks: link === undefined ? t.remoteRegions.map((r) => r.name) : [],
      };
    },
    // Every TLS server of the topology, asked in a live handshake (what a client is shown):
    // Postgres members in their protocol's upgrade, the others in plain TLS (etcd with a client pair).
    certificates: () => {
      const endpoints = [
        ...t.clusters.flatMap((c) =>
          c.nodes.map((m) => ({ endpoint: `postgres ${m.name}`, port: m.pgPort, protocol: "postgres" as const })),
        ),
        ...internalTlsEndpoints(t).map((e) => ({
          endpoint: e.endpoint,
          port: e.port,
          protocol: "tls" as const,
          // Servers that refuse a handshake without a client certificate get the console's.
          client:
            e.kind === "etcd"
              ? etcdClientTlsFiles(t)
              : e.mutual
                ? serviceIdentityFiles(t, "ops-console")
                : undefined,
        })),
      ];
      return Promise.all(
        endpoints.map(async ({ endpoint, port, ...opts }) => {
          const address = `${t.host}:${port}`;
          try {
            const p = await peerCertificate(t.host, port, opts);
            return {
              endpoint,
              address,
              subject: p.subject,
              serial: p.serial,
              notAfter: p.notAfter.toISOString(),
              protocol: p.protocol,
            };
          } catch (err) {
            const error = err instanceof Error ? err.message : String(err);
            return { endpoint, address, subject: null, serial: null, notAfter: null, protocol: null, error };
          }
        }),
      );
    },
    rotateCertificates: () => rotateServerCerts(t),
    runFailoverDrill: (opts) => runFailoverDrill({ topology: t, ...opts }),
    rollout: () => {
      const s = readRolloutState(t.stateDir);
      return s ? { ...s, running: rolloutJobRunning(t) || (!s.finishedAt && isProcessAlive(s.controllerPid)) } : null;
    },
    startRollout: async (input) => startRolloutJob(t, input),
    rolloutAction: (id, action) => requestRolloutAction(t.stateDir, id, action, "console"),
  };
}
