/**
 * Ops actions that touch the platform's processes and servers (status, chaos, failover drills,
 * replication lag, CDN statistics) sit behind this interface. The ops console installs an
 * implementation at start-up (locally: apps/ops-console/src/ops-backend/, built on infra/local;
 * later: Kubernetes). Anywhere else the procedures answer PRECONDITION_FAILED, clearly.
 */
import { TRPCError } from "@trpc/server";
import type {
  DrillEvent,
  DrillMode,
  FailoverDrillReport,
  Health,
  RegionFailbackReport,
  RegionFailbackStep,
  RegionFailoverEvent,
  RegionFailoverReport,
  NodeStatus,
  TopologyStatus,
} from "@agora/config/ops-contract";
import type {
  RolloutActionInput,
  RolloutView,
  StartRolloutInput,
} from "./deployments/deployments.schema.ts";

export type {
  DrillEvent,
  DrillMode,
  FailoverDrillReport,
  Health,
  NodeStatus,
  RegionFailbackReport,
  RegionFailbackStep,
  RegionFailoverEvent,
  RegionFailoverReport,
  TopologyStatus,
};

/** At most this many bench runs are kept in view (the newest); see ops/performance. */
export const BENCH_RUNS_SHOWN = 100;

/** One Postgres cluster's members as its consensus store (Patroni's DCS) sees them right now. */
export interface ClusterMembers {
  name: string;
  leader: string | null;
  at: string;
  members: { name: string; role: string; state: string; lagBytes: number | null }[];
}

export interface MemberLag {
  cluster: string;
  member: string;
  lagMs: number | null;
}

export interface CdnCacheStats {
  /** Requests per cache status (HIT, MISS, EXPIRED, …). */
  byStatus: Record<string, number>;
  requests: number;
  /** Served from the cache / requests; null before any. */
  hitRatio: number | null;
}

/** A TLS endpoint's certificate as a client sees it in the handshake (see ops/certificates.ts). */
export interface CertificateView {
  /** What presents it, e.g. "postgres core-1". */
  endpoint: string;
  address: string;
  subject: string | null;
  serial: string | null;
  notAfter: string | null;
  protocol: string | null;
  /** Set when the endpoint could not be asked (down, no TLS). */
  error?: string;
}

export interface CertificateRotation {
  rotated: number;
  /** Endpoints that reloaded and serve the new certificate; those down pick it up at start. */
  reloaded: string[];
}

/** `crash` is a kill the supervisor heals (no hold); `kill` stays down until undone. */
export type NodeAction = "kill" | "crash" | "pause" | "resume" | "restart";

/**
 * The autoscaler's own record (targets, decision history, samples) and the last sale spike, as the
 * deployment keeps them; the API validates their shape (ops/scaling).
 */
export interface ScalingState {
  autoscaler: unknown;
  spike: { running: boolean; progress: unknown; latest: unknown };
}

export interface SpikeRequest {
  durationS: number;
  connections: number;
  shoppers: number;
  autoscale: boolean;
}

/** Thrown by `startSpike` while another spike runs (one at a time). */
export class SpikeAlreadyRunningError extends Error {
  readonly code = "SPIKE_ALREADY_RUNNING";
  constructor() {
    super("a sale spike is already running; wait for it to finish");
    this.name = "SpikeAlreadyRunningError";
  }
}

export interface ChaosTarget {
  name: string;
  kind: string;
  /** Cluster for Postgres members, "redis" / "etcd" / "apps" otherwise. */
  group: string;
  running: boolean;
  paused: boolean;
}

/** A database link fault (latency, drops, blackhole) between the apps and one cluster's primary. */
export interface LinkFaultView {
  cluster: string;
  fault: { latencyMs: number; dropRate: number; blackhole: boolean };
  stats: { accepted: number; dropped: number; open: number };
}

/** The link between the regions (docs/adr/0010): its mode and the round trip it adds. */
export type RegionLinkMode = "healthy" | "cut" | "one-way" | "flaky";

export interface RegionLinkView {
  /** The remote region the link joins to the core region. */
  region: string;
  state: { mode: RegionLinkMode; rttMs: number; witness?: { eu: "healthy" | "cut"; us: "healthy" | "cut" } };
  changedAt: string;
  routes: { name: string; stats: { accepted: number; dropped: number; open: number } }[];
  /** The remote region's copies of core: how far behind the core primary they are. */
  standby: { member: string; role: string | null; lagBytes: number | null; copyAgeMs: number | null }[];
  /**
   * The remote region's arbiter (automatic promotion through the etcd quorum with the witness):
   * its mode and last decision — wait (eu holds core's lock), suspect, promote, no-quorum,
   * holds-core. Null when it has recorded none.
   */
  arbiter?: { mode: string; decision: string; reason: string; at: string } | null;
}

/** Each region as the global edge judges it, and where it sends each region's clients (docs/adr/0010). */
export interface RegionHealthView {
  at: string;
  edge: { port: number; up: boolean };
  regions: {
    region: string;
    /** The edge's checks: the region's storefront is ready / a copy of core runs there (null: edge down). */
    serving: boolean | null;
    databaseUp: boolean | null;
    /** What the region's copy of core takes right now. */
    database: "read-write" | "read-only" | "down";
    healthy: boolean;
  }[];
  /** Client region → the region the edge sends it to (null: nowhere, 503). */
  routes: Record<string, string | null>;
}

/** One region of the deployment as the Regions page draws it (docs/adr/0010). */
export interface RegionPlacement {
  name: string;
  /** Holds the core primary: orders, payments and the ledger are written here only. */
  holdsCorePrimary: boolean;
  /** Clusters whose primary runs here (core, the vendor shards homed here). */
  primaries: string[];
  /** Read-only copies of clusters whose primary runs elsewhere (the us standby of core). */
  copies: string[];
  storefronts: string[];
  /** Its own Redis (sessions' revocations, carts, caches): the nodes' names. */
  redis: string[];
  /** Worker pools that consume this region's queues. */
  workers: string[];
}

/** Where things run: regions, shard placement, the link; what the Regions page starts from. */
export interface RegionsTopologyView {
  coreRegion: string;
  /** The remote region whose copy of core a region failover promoted, until failback; null normally. */
  promotedRegion: string | null;
  regions: RegionPlacement[];
  /** Shard name → region of its primary. */
  shardRegions: Record<string, string>;
  /** The link to each remote region with its standby's lag; empty with one region. */
  links: RegionLinkView[];
  /** Remote regions whose link could not be asked (its process is down): shown, not hidden. */
  unreachableLinks: string[];
}

/** Thrown by `applyNodeAction` for a name that is not a node of the deployment. */
export class UnknownOpsTargetError extends Error {
  readonly code = "UNKNOWN_OPS_TARGET";
  constructor(name: string) {
    super(`no process named "${name}" in this deployment`);
    this.name = "UnknownOpsTargetError";
  }
}

/**
 * Whether `err` is the backend error with this `code`. By code, not `instanceof`: the console's
 * backend and the ops routers can sit in different server chunks of the Next build, each with its
 * own copy of the error classes, and a class check then misses (a 500 instead of the typed answer).
 */
export function isOpsError(err: unknown, code: "SPIKE_ALREADY_RUNNING" | "UNKNOWN_OPS_TARGET"): err is Error {
  return err instanceof Error && (err as { code?: unknown }).code === code;
}

export interface OpsBackend {
  /** Shown in the console, e.g. "local topology (dev)". */
  readonly name: string;
  /** Postgres cluster names (drills target one of them). */
  clusterNames(): string[];
  topologyStatus(): Promise<TopologyStatus>;
  /**
   * One cluster's members and leader, cheap enough to poll every second: every member asked at
   * once, no database connections (the full topology probe is too slow while a drill loads the
   * machine).
   */
  clusterMembers(cluster: string): Promise<ClusterMembers>;
  replicationLag(): Promise<MemberLag[]>;
  /** CDN edge cache statistics; null when the deployment cannot read them. */
  cdnStats(): CdnCacheStats | null;
  /**
   * The newest runs of `npm run bench` against this deployment, one parsed JSON value per run
   * (oldest first, at most BENCH_RUNS_SHOWN); null when the deployment keeps no bench history.
   */
  benchHistory(): Promise<unknown[] | null>;
  /** The newest fault soak runs (`npm run chaos:soak`), as benchHistory; null without a soak history. */
  soakHistory(): Promise<unknown[] | null>;
  chaosTargets(): ChaosTarget[];
  /** Kill, pause, resume or restart one node; `UnknownOpsTargetError` for an unknown name. */
  applyNodeAction(target: string, action: NodeAction): Promise<void>;
  /** Database link faults per cluster; null when the deployment has no fault injection there. */
  linkFaults(): Promise<LinkFaultView[] | null>;
  setLinkFault(cluster: string, fault: LinkFaultView["fault"]): Promise<void>;
  /** Every TLS endpoint's certificate as presented right now; null when the deployment has none. */
  certificates(): Promise<CertificateView[] | null>;
  /** Issues new server certificates and has each server reload them, without dropping connections. */
  rotateCertificates(): Promise<CertificateRotation>;
  /** Autoscaler decisions and samples, the last spike; null when the deployment has no autoscaler record. */
  scalingState(): Promise<ScalingState | null>;
  /** Starts a bounded sale spike against this deployment; `SpikeAlreadyRunningError` while one runs. */
  startSpike(req: SpikeRequest): Promise<void>;
  runFailoverDrill(opts: {
    cluster: string;
    mode: DrillMode;
    onEvent: (e: DrillEvent) => void;
  }): Promise<FailoverDrillReport>;
  /** The region link and the remote region's lag; null where the deployment runs one region. */
  regionLink?(): Promise<RegionLinkView | null>;
  /** Cuts, heals, degrades the region link or sets its latency (either field may be left out). */
  setRegionLink?(change: { mode?: RegionLinkMode; rttMs?: number }): Promise<RegionLinkView>;
  /** Each region's health at the global edge and its routes; null where the deployment runs one region. */
  regionHealth?(): Promise<RegionHealthView | null>;
  /**
   * The region failover drill: the core region is lost and the other one's copy of core promoted.
   * Calling it is the operator's confirmation (ADR 0010). Progress lines go to `onEvent`.
   */
  regionFailover?(opts: { onEvent: (e: RegionFailoverEvent) => void }): Promise<RegionFailoverReport>;
  /**
   * The region drill's reset (`npm run region -- failback`): eu's core back from its own data, the
   * remote copy rebuilt from it, eu's stopped processes restarted. Each step is reported as it ends.
   */
  regionFailback?(opts: {
    onStep: (step: RegionFailbackStep) => void;
    onLog: (line: string) => void;
  }): Promise<RegionFailbackReport>;
  /**
   * The console's record of its region drills, kept beside the deployment (locally: a file in the
   * state folder), not in core: the drill takes core away. The API validates its shape; null: none.
   */
  readRegionDrillRecord?(): Promise<unknown>;
  writeRegionDrillRecord?(record: unknown): Promise<void>;
  /** Regions, what runs in each, shard placement and the links (one region: no links). */
  regionsOverview?(): Promise<RegionsTopologyView>;
  /** The last storefront rollout (canary / blue-green); absent where releases are not run from here. */
  rollout?(): RolloutView | null;
  /** Starts a rollout as a bounded job of the deployment. */
  startRollout?(input: StartRolloutInput): Promise<void>;
  /** An operator's request to the running rollout. */
  rolloutAction?(rolloutId: string, action: RolloutActionInput["action"]): void;
}

/** The action that undoes `action` (kill → restart, pause → resume), null for undo-like ones. */
export function inverseOf(action: NodeAction): NodeAction | null {
  if (action === "kill") return "restart";
  if (action === "pause") return "resume";
  return null;
}

const KEY = Symbol.for("@agora/api/ops-backend");
const slot = globalThis as typeof globalThis & { [KEY]?: OpsBackend };

/** Called once by the ops console at start-up. */
export function installOpsBackend(backend: OpsBackend | undefined): void {
  slot[KEY] = backend;
}

/** The installed backend, or a PRECONDITION_FAILED the console shows as "not available here". */
export function opsBackend(): OpsBackend {
  const backend = slot[KEY];
  if (!backend)
    throw new TRPCError({
      code: "PRECONDITION_FAILED",
      message: "ops actions are not available in this deployment (no ops backend installed)",
    });
  return backend;
}

export function hasOpsBackend(): boolean {
  return slot[KEY] !== undefined;
}
