/**
 * The one typed description of Agora's local topology: every port, path, size and credential
 * location. Everything else (process launcher, data layer, apps, tests) derives from here.
 *
 * Two profiles run side by side without colliding: `dev` (what `npm start` brings up) and `test`
 * (what the test suite starts and stops itself). Each owns a port block and a state folder.
 * Ports stay clear of the machine defaults (5432, 6379, 2379) and below the ephemeral range.
 */
import { randomBytes } from "node:crypto";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CORE_CLUSTER, WORKER_PROCESSES, type WorkerProcessName } from "@agora/config";
import { etcdClientTlsFiles, redisToolTls } from "./security/tls-files.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export type ProfileName = "dev" | "test";
/** `core-us`: the standby copy of `core` in the `us` region (regions/, not in CLUSTERS). */
export type ClusterName = typeof CORE_CLUSTER | "shard-1" | "shard-2" | "core-us";
export type ClusterRole = "rw" | "ro";

export interface ProfileSpec {
  name: ProfileName;
  /** First port of this profile's block; every port below is basePort + a fixed offset. */
  basePort: number;
  /** etcd key namespace for Patroni, so profiles never share DCS keys. */
  namespace: string;
}

export const PROFILES: Record<ProfileName, ProfileSpec> = {
  dev: { name: "dev", basePort: 15400, namespace: "/agora-dev/" },
  test: { name: "test", basePort: 25400, namespace: "/agora-test/" },
};

export function profileFromEnv(): ProfileName {
  const p = process.env.AGORA_PROFILE ?? "dev";
  if (p !== "dev" && p !== "test") {
    throw new Error(`AGORA_PROFILE must be "dev" or "test", got "${p}"`);
  }
  return p;
}

export interface ClusterSpec {
  name: ClusterName;
  /** Kind of data it holds: the platform core or a vendor shard. */
  kind: "core" | "shard";
  members: number;
  /** Synchronous replication: a commit is acknowledged only once a standby has it (CP data). */
  synchronous: boolean;
}

/**
 * `core` has three members: in synchronous mode a two-member cluster whose new leader dies right
 * after a failover refuses to promote the survivor (see docs/adr/0002-local-ha-topology.md).
 */
export const CLUSTERS: readonly ClusterSpec[] = [
  { name: CORE_CLUSTER, kind: "core", members: 3, synchronous: true },
  { name: "shard-1", kind: "shard", members: 2, synchronous: false },
  { name: "shard-2", kind: "shard", members: 2, synchronous: false },
];

export const SHARD_NAMES = CLUSTERS.filter((c) => c.kind === "shard").map((c) => c.name);

export function clusterSpec(name: string): ClusterSpec {
  const c = CLUSTERS.find((x) => x.name === name);
  if (!c) throw new Error(`unknown cluster "${name}" (known: ${CLUSTERS.map((x) => x.name).join(", ")})`);
  return c;
}

/** Port offsets inside a profile's block. */
const OFFSET = {
  etcdClient: 0, // +0..+2
  etcdPeer: 10, // +10..+12
  pg: 100, // +100 + cluster*10 + member
  patroniRest: 200, // +200 + cluster*10 + member
  haproxyRw: 300, // +300 + cluster*10
  haproxyRo: 301, // +301 + cluster*10
  haproxyStats: 390, // +390 + instance: each HAProxy instance's own stats page
  haproxyPeers: 395, // +395 + instance: HAProxy `peers` (stick tables shared between instances)
  redis: 400, // +400 primary, +401 replica
  sentinel: 410, // +410..+412
  storefront: 500, // +500, +501
  gateway: 510,
  storefrontPool: 511, // the storefronts behind HAProxy's queue, for the edge cache's misses
  gatewayHttps: 512, // the gateway over HTTPS (TLS 1.3, the local CA's edge certificate)
  vendorPortal: 520,
  vendorPortalGateway: 521, // the vendor portal behind HAProxy (registry-routed)
  vendorPortalGatewayHttps: 522,
  opsConsole: 530,
  opsConsoleGateway: 531, // the ops console behind HAProxy (registry-routed)
  opsConsoleGatewayHttps: 532,
  paymentSim: 540, // the browser's card step and the probes (plain)
  paymentSimTls: 541, // the simulator's server API: HTTPS, mutual TLS only
  identity: 545, // the OpenID Connect provider (apps/identity)
  cdn: 550, // nginx CDN edge
  mediaOrigin: 551, // the media origin behind the CDN edge
  cdnStatus: 552, // +552 + instance: each CDN edge's own /healthz and stub_status
  realtime: 560, // +560, +561: Socket.IO gateway instances (Redis adapter)
  inventory: 565, // +565, +566: inventory gRPC service instances
  telemetryCollector: 570, // OTLP/HTTP receiver (spans and logs in)
  telemetryQuery: 571, // the collector's query API (traces and logs out): HTTPS, mutual TLS
  carrierWebhook: 575, // carrier shipment webhooks, received by the payments worker process
  workerMetrics: 580, // +580.. one /metrics + /healthz port per worker process (see WORKER_PROCESSES)
  faultProxy: 600, // +600 + cluster*10: TCP fault proxy in front of a cluster's read-write port
  faultProxyAdmin: 690, // HTTP control of the fault proxies
  // The second region (`--regions 2`, see regions/): its own Redis, a standby of core, a storefront.
  usRedis: 700, // +700 primary, +701 replica
  usSentinel: 710, // +710..+712
  usPg: 720, // +720 + member: the core standby cluster's Postgres
  usPatroniRest: 725, // +725 + member
  // Only after a region failover (regions/failover-workers.ts): what processes an order in us.
  usInventory: 730, // +730: the inventory gRPC instance of us
  usCarrierWebhook: 731, // the us payments pool's HTTP port (carrier webhooks)
  usWorkerMetrics: 732, // +732..+739: one /metrics + /healthz port per FAILOVER_WORKERS entry
  usStorefront: 740, // +740..
  regionLinkAdmin: 750, // HTTP control of the region link
  regionLink: 760, // +760 + route: the link's listeners (us side) for each eu server us reaches
  globalEdge: 770, // the global edge in front of both regions (regions/global-edge.ts)
  globalEdgeStats: 771, // its stats page (CSV: each region's health as the edge sees it)
  // Two regions: etcd's members sit in three locations (ETCD_LOCATIONS), so their traffic crosses the link too.
  etcdPeerLink: 780, // +780..+782: the address each member advertises to its peers (the link, see PEER_LINK_ROUTES)
  euLink: 785, // +785..: the link's listeners (eu side) for what eu reaches elsewhere (EU_LINK_ROUTES)
} as const;

/** Where everything runs today, and where the `core` primary (orders, ledger) lives. */
export const PRIMARY_REGION = "eu";
export type RegionName = typeof PRIMARY_REGION | "us";
/**
 * Where a server runs: a region, or the witness — a third site holding one etcd member and nothing
 * else, so that losing either region leaves etcd a quorum (docs/adr/0010 "The witness").
 */
export const WITNESS = "witness";
export type Location = RegionName | typeof WITNESS;
/**
 * The location of each etcd member (etcd-1, etcd-2, etcd-3) when two regions run: one per site, so
 * a region lost or cut off from both others leaves the other two a majority, and a cut between the
 * regions alone leaves both with the witness. One region: all three in eu.
 */
export const ETCD_LOCATIONS: readonly Location[] = [PRIMARY_REGION, "us", WITNESS];
/**
 * Where each vendor shard's primary runs (data locality, docs/adr/0010): a vendor is placed on a
 * shard of its home region. All eu for now — a shard homed in us needs its HA cluster, HAProxy
 * and a link route from eu in us, which the two-region profile does not run yet (the ADR says why).
 */
export const SHARD_REGIONS: Readonly<Record<string, RegionName>> = Object.fromEntries(
  SHARD_NAMES.map((s) => [s, PRIMARY_REGION]),
);
/** Members of the `us` standby cluster of core: one keeps the second region's cost down (measured in docs/adr/0010). */
export const US_CORE_STANDBY_MEMBERS = 1;
export const US_STOREFRONT_INSTANCES = 1;

/**
 * eu servers the `us` region reaches, each through its own listener of the region link
 * (regions/region-link.ts): the replication stream, the apps' read-write and read-only paths, the
 * DCS and the service registry (etcd), and the telemetry collector.
 */
export const LINK_ROUTES = [
  "core-replication",
  "core-rw",
  "shard-1-rw",
  "shard-1-ro",
  "shard-2-rw",
  "shard-2-ro",
  "etcd-1",
  "etcd-2",
  "etcd-3",
  "telemetry",
] as const;
/** What eu reaches outside eu: the etcd members in us and at the witness (eu's side of the link). */
export const EU_LINK_ROUTES = ["eu-etcd-2", "eu-etcd-3"] as const;
/**
 * The address each etcd member advertises to its peers: a member has one peer URL that every other
 * member dials, so the link cannot give each pair its own listener; it tells the dialling member's
 * location from the connection itself (regions/peer-source.ts) and applies that pair's fault.
 */
export const PEER_LINK_ROUTES = ["peer-etcd-1", "peer-etcd-2", "peer-etcd-3"] as const;
export type LinkRouteName =
  | (typeof LINK_ROUTES)[number]
  | (typeof EU_LINK_ROUTES)[number]
  | (typeof PEER_LINK_ROUTES)[number];

export interface LinkRoute {
  name: LinkRouteName;
  /** The address the dialling side is given. */
  listenPort: number;
  /** The server behind it. */
  targetPort: number;
  /** Where the dialling side is (`any`: told per connection, for etcd's peers). */
  from: Location | "any";
  /** Where the server is. */
  to: Location;
}

/**
 * What a remote region runs only while it holds core's primary (after a region failover): the
 * processes an order needs from placement to READY_FOR_FULFILMENT — the outbox relay, the sagas
 * and payments pools and an inventory instance (the sagas reserve and commit stock through it) —
 * and the consumers of what an order tells the rest of the product: the notifications (the
 * shopper's and the vendor's notices), projections (search read model, vendor sub-orders) and
 * analytics pools — and maintenance: the core region's replication heartbeat (us's copy is the one
 * that beats now), the lost-job sweep (eu's queued jobs went with eu's Redis), payouts and the
 * alert evaluator. Named as eu's, with the region before the instance number:
 * `workers-sagas-us-1`, `outbox-relay-us-1`, `inventory-us-1` (regions/failover-workers.ts starts
 * and stops them). One metrics port each, +732…+739: a ninth entry would take the us storefront's
 * +740. Not here: imports (a vendor tool).
 */
export const FAILOVER_WORKERS = [
  "outbox-relay",
  "sagas",
  "payments",
  "inventory-1",
  "notifications",
  "projections",
  "analytics",
  "maintenance",
] as const satisfies readonly WorkerProcessName[];
export type FailoverWorker = (typeof FAILOVER_WORKERS)[number];

/** A region besides the primary one: its own Redis and storefronts, a standby of core, a link to eu. */
export interface RemoteRegion {
  name: Exclude<RegionName, typeof PRIMARY_REGION>;
  redis: { masterName: string; nodes: RedisNode[]; sentinels: RedisNode[] };
  /** A Patroni standby cluster replicating `core` from eu through the link (asynchronous). */
  coreStandby: ClusterTopology;
  storefront: number[];
  /** Ports of the FAILOVER_WORKERS, which run here only while this region holds core's primary. */
  failoverWorkers: {
    inventory: number[];
    carrierWebhook: number;
    workerMetrics: Record<FailoverWorker, number>;
  };
  link: { adminPort: number; stateFile: string; logFile: string; routes: LinkRoute[] };
  /**
   * The global edge (the Route53 counterpart, regions/global-edge.ts): one HAProxy in front of both
   * regions, sending each client to its region while healthy. It exists with the second region.
   */
  globalEdge: { port: number; statsPort: number; configFile: string; logFile: string };
  /** Written by a region failover (regions/failover-state.ts): the region now holding core's primary. */
  failoverStateFile: string;
  /**
   * The region's arbiter (regions/arbiter-process.ts): promotes its copy of core on its own once
   * eu's leader lock has been gone from the etcd quorum long enough; its last decision is kept here.
   */
  arbiter: { stateFile: string; logFile: string };
}

/**
 * How many regions this state folder runs: AGORA_REGIONS (`npm start -- --regions 2`), else what
 * the folder was started with (regions.json, written by the launcher), else one.
 */
export function regionCount(stateDir: string): 1 | 2 {
  const raw = process.env.AGORA_REGIONS ?? readRegionsFile(stateDir);
  if (raw === undefined || raw === "" || raw === "1") return 1;
  if (raw === "2") return 2;
  throw new Error(`AGORA_REGIONS must be 1 or 2, got "${raw}"`);
}

export const regionsFile = (stateDir: string) => join(stateDir, "regions.json");

function readRegionsFile(stateDir: string): string | undefined {
  const f = regionsFile(stateDir);
  if (!existsSync(f)) return undefined;
  return String((JSON.parse(readFileSync(f, "utf8")) as { regions?: number }).regions ?? 1);
}

export const ETCD_MEMBERS = 3;
export const REDIS_SENTINELS = 3;
export const REDIS_MASTER_NAME = "agora";
export const STOREFRONT_INSTANCES = 2;
/**
 * HAProxy processes serving the same frontends: both bind every address with SO_REUSEPORT (the
 * kernel spreads new connections over the live listeners; a dead one's socket just disappears),
 * the one-box counterpart of a VIP/anycast pair. See docs/adr/0009-edge-and-relay-redundancy.md.
 */
export const HAPROXY_INSTANCES = 2;
/** nginx CDN edges on the same address (nginx `reuseport`), each with its own cache folder. */
export const CDN_INSTANCES = 2;
/** Storefront instances the autoscaler may run (ports +500…, HAProxy slots): what 2 cores carry. */
export const STOREFRONT_MAX_INSTANCES = 4;
export const REALTIME_INSTANCES = 2;
/** Inventory gRPC service instances; callers balance over all of them (round-robin). */
export const INVENTORY_INSTANCES = 2;
/** Worker processes that get an HTTP port for /metrics, /healthz, /readyz (index = port offset): a product fact. */
export { WORKER_PROCESSES, type WorkerProcessName } from "@agora/config";

export interface EtcdMember {
  name: string;
  /** Where it runs (ETCD_LOCATIONS with two regions, else eu). */
  location: Location;
  clientPort: number;
  peerPort: number;
  /** What its peers dial: `peerPort` itself with one region, the link's listener for it with two. */
  advertisedPeerPort: number;
  dataDir: string;
  logFile: string;
  /** What a client presents and trusts: etcd speaks only mutual TLS (security/tls-files.ts). */
  clientTls: { ca: string; cert: string; key: string };
}

export interface PgMember {
  cluster: ClusterName;
  name: string;
  index: number;
  pgPort: number;
  restPort: number;
  dataDir: string;
  configFile: string;
  logFile: string;
}

export interface ClusterTopology extends ClusterSpec {
  index: number;
  rwPort: number;
  roPort: number;
  members: number;
  nodes: PgMember[];
}

export interface RedisNode {
  name: string;
  port: number;
  dir: string;
  configFile: string;
  logFile: string;
}

/** One HAProxy process: its own configuration, stats page, runtime socket and peer port. */
export interface HaproxyInstance {
  /** `haproxy-1`, `haproxy-2`: the process name (pids.json, logs, chaos, supervisor). */
  name: string;
  configFile: string;
  logFile: string;
  pidFile: string;
  statsPort: number;
  /** Its `peers` listener: stick-table updates to and from the other instances. */
  peerPort: number;
}

/** One nginx CDN edge: the shared `apps.cdn` address plus a status port of its own. */
export interface CdnInstance {
  name: string;
  /**
   * Its own address: the same edge as the shared port, but reaching only this instance (and its
   * cache), with /healthz and /nginx_status — to tell the instances apart (the shared port cannot).
   */
  statusPort: number;
}

/**
 * What the edge's plain-HTTP ports do: `redirect` answers every request with a 308 to the same
 * path on the HTTPS port; `serve` serves it as the HTTPS port does. `npm start` (dev) redirects;
 * the test profile serves both, so the suite's many HTTP clients keep their URLs while the HTTPS
 * ports are tested on their own (edge-https.int.test.ts). AGORA_EDGE_PLAIN_HTTP overrides it
 * (the bench serves both to measure the handshake's cost in one run).
 */
export type EdgePlainHttp = "redirect" | "serve";

export function edgePlainHttpFor(profile: ProfileName): EdgePlainHttp {
  const v = process.env.AGORA_EDGE_PLAIN_HTTP;
  if (v !== undefined && v !== "redirect" && v !== "serve")
    throw new Error(`AGORA_EDGE_PLAIN_HTTP must be "redirect" or "serve", got "${v}"`);
  return v ?? (profile === "test" ? "serve" : "redirect");
}

export interface Topology {
  profile: ProfileSpec;
  /**
   * HTTPS at the HAProxy frontends: each client-facing frontend also listens on its HTTPS port
   * with `certFile` (cert + key, issued by the state folder's CA for 127.0.0.1/localhost), TLS 1.3
   * only; `plainHttp` says what its plain port does.
   */
  edge: { certFile: string; plainHttp: EdgePlainHttp };
  stateDir: string;
  logDir: string;
  pidFile: string;
  /**
   * The state folder's private CA (security/pki.ts). Every TCP connection to Postgres is TLS 1.3,
   * verified against `caCert` with the server's name checked (`sslmode=verify-full`).
   */
  pki: { dir: string; caCert: string };
  secretsFile: string;
  /** Folder of the Postgres members' data (see postgresRoot). */
  pgRoot: string;
  host: "127.0.0.1";
  etcd: EtcdMember[];
  clusters: ClusterTopology[];
  /** The first HAProxy instance (what single-instance readers such as the drills look at). */
  haproxy: HaproxyInstance;
  /** Every HAProxy instance; they share the frontends' addresses (SO_REUSEPORT). */
  haproxyInstances: HaproxyInstance[];
  /** The nginx CDN edges (`cdn-1`, …), all on the one `apps.cdn` address. */
  cdnInstances: CdnInstance[];
  redis: { masterName: string; nodes: RedisNode[]; sentinels: RedisNode[] };
  apps: {
    storefront: number[];
    /** Ports of the storefront instances the autoscaler may add beyond `storefront` (storefront-3, …). */
    storefrontSpare: number[];
    gateway: number;
    /** The gateway's HTTPS port (the storefront's public URL when the plain port redirects). */
    gatewayHttps: number;
    /** HAProxy's internal entry to the storefront instances (queue, health), used by the edge cache. */
    storefrontPool: number;
    vendorPortal: number;
    /** HAProxy's frontend of the vendor portal instances (the direct port stays). */
    vendorPortalGateway: number;
    vendorPortalGatewayHttps: number;
    opsConsole: number;
    /** HAProxy's frontend of the ops console instances (the direct port stays). */
    opsConsoleGateway: number;
    opsConsoleGatewayHttps: number;
    paymentSim: number;
    /** The simulator's server API (payments, PaySwift, shipments, faults): client certificates only. */
    paymentSimTls: number;
    /** The OpenID Connect provider (apps/identity): issuer, JWKS, token endpoint. */
    identity: number;
    cdn: number;
    mediaOrigin: number;
    realtime: number[];
    /** gRPC port of each inventory service instance (`inventory-1`, …). */
    inventory: number[];
    telemetryCollector: number;
    /** The collector's query API (the ops console's reads): HTTPS with client certificates only. */
    telemetryQuery: number;
    /** Where the carrier posts signed shipment status webhooks (served by the payments pool). */
    carrierWebhook: number;
    /** /metrics + health port of each worker process. */
    workerMetrics: Record<WorkerProcessName, number>;
  };
  /** Per cluster name: port of the TCP fault proxy in front of its read-write HAProxy port. */
  faultProxies: Record<string, number>;
  /** HTTP control of the fault proxies (GET/PUT/DELETE /faults/<cluster>). */
  faultProxyAdmin: number;
  /** Regions besides `eu` (empty unless the state folder runs two regions). */
  remoteRegions: RemoteRegion[];
  postgres: { binDir: string; database: string; appUser: string; superuser: string; replicationUser: string };
}

export const PG_BIN_DIR = process.env.AGORA_PG_BIN_DIR ?? "/usr/lib/postgresql/15/bin";

/** Ports a profile's block spans from its base (the largest offset above, with its instances). */
export const PORT_BLOCK = 800;

/** The kernel's range of ports for outgoing connections (`ip_local_port_range`), or Linux's default. */
export function ephemeralPortRange(
  read: () => string = () => readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8"),
): [number, number] {
  try {
    const [lo, hi] = read().trim().split(/\s+/).map(Number);
    if (Number.isInteger(lo) && Number.isInteger(hi)) return [lo as number, hi as number];
  } catch {
    // Not Linux, or /proc not mounted: the usual default.
  }
  return [32768, 60999];
}

// Read once per process: topology() is asked for many times, the kernel setting does not change.
let ephemeralRange: [number, number] | undefined;
const hostEphemeralRange = (): [number, number] => (ephemeralRange ??= ephemeralPortRange());

/**
 * An AGORA_BASE_PORT the block fits at: above the privileged ports and outside the kernel's
 * ephemeral range, where any outgoing connection may hold a port for a moment and a server that
 * restarts (Patroni after a failback, a pool after a crash) then fails with EADDRINUSE.
 */
export function checkedBasePort(raw: string, range: [number, number] = hostEphemeralRange()): number {
  const base = Number(raw);
  const [lo, hi] = range;
  if (!Number.isInteger(base) || base < 1024 || base + PORT_BLOCK > 65536)
    throw new Error(`AGORA_BASE_PORT must be a whole number from 1024 to ${65536 - PORT_BLOCK}, got "${raw}"`);
  if (base + PORT_BLOCK > lo && base <= hi)
    throw new Error(
      `AGORA_BASE_PORT ${base}: its ports ${base}-${base + PORT_BLOCK - 1} overlap the kernel's ephemeral range ${lo}-${hi} (outgoing connections take ports there, and a restarting server then finds its port in use); choose a base at most ${lo - PORT_BLOCK}`,
    );
  return base;
}

export function topology(profileName: ProfileName = profileFromEnv()): Topology {
  // AGORA_BASE_PORT + AGORA_STATE_DIR give a private, non-colliding copy of a profile (parallel work).
  const override = process.env.AGORA_BASE_PORT ? checkedBasePort(process.env.AGORA_BASE_PORT) : undefined;
  const base = PROFILES[profileName];
  const profile: ProfileSpec = override
    ? { ...base, basePort: override, namespace: `/agora-${profileName}-${override}/` }
    : base;
  const b = profile.basePort;
  const stateDir = process.env.AGORA_STATE_DIR ?? join(REPO_ROOT, ".agora", profileName);
  const logDir = join(stateDir, "logs");
  const pgRoot = postgresRoot(stateDir);
  const twoRegions = regionCount(stateDir) === 2;
  const etcd: EtcdMember[] = Array.from({ length: ETCD_MEMBERS }, (_, i) => ({
    name: `etcd-${i + 1}`,
    location: twoRegions ? ETCD_LOCATIONS[i]! : PRIMARY_REGION,
    clientPort: b + OFFSET.etcdClient + i,
    peerPort: b + OFFSET.etcdPeer + i,
    advertisedPeerPort: twoRegions ? b + OFFSET.etcdPeerLink + i : b + OFFSET.etcdPeer + i,
    dataDir: join(stateDir, "etcd", `etcd-${i + 1}`),
    logFile: join(logDir, `etcd-${i + 1}.log`),
    clientTls: etcdClientTlsFiles({ pki: { dir: join(stateDir, "pki"), caCert: join(stateDir, "pki", "ca.crt") } }),
  }));
  const clusters: ClusterTopology[] = CLUSTERS.map((c, ci) => ({
    ...c,
    index: ci,
    rwPort: b + OFFSET.haproxyRw + ci * 10,
    roPort: b + OFFSET.haproxyRo + ci * 10,
    nodes: Array.from({ length: c.members }, (_, mi) => {
      const name = `${c.name}-${mi + 1}`;
      return {
        cluster: c.name,
        name,
        index: mi,
        pgPort: b + OFFSET.pg + ci * 10 + mi,
        restPort: b + OFFSET.patroniRest + ci * 10 + mi,
        dataDir: join(pgRoot, name, "data"),
        configFile: join(pgRoot, name, "patroni.yml"),
        logFile: join(logDir, `${name}.log`),
      };
    }),
  }));
  const haproxyInstances: HaproxyInstance[] = Array.from({ length: HAPROXY_INSTANCES }, (_, i) => {
    const name = `haproxy-${i + 1}`;
    return {
      name,
      configFile: join(stateDir, name, "haproxy.cfg"),
      logFile: join(logDir, `${name}.log`),
      pidFile: join(stateDir, name, "haproxy.pid"),
      statsPort: b + OFFSET.haproxyStats + i,
      peerPort: b + OFFSET.haproxyPeers + i,
    };
  });
  const redisNode = (name: string, port: number): RedisNode => ({
    name,
    port,
    dir: join(stateDir, "redis", name),
    configFile: join(stateDir, "redis", name, name.startsWith("sentinel") ? "sentinel.conf" : "redis.conf"),
    logFile: join(logDir, `${name}.log`),
  });
  return {
    profile,
    stateDir,
    logDir,
    pidFile: join(stateDir, "pids.json"),
    pki: { dir: join(stateDir, "pki"), caCert: join(stateDir, "pki", "ca.crt") },
    edge: { certFile: join(stateDir, "pki", "edge.pem"), plainHttp: edgePlainHttpFor(profileName) },
    secretsFile: join(stateDir, "secrets.json"),
    pgRoot,
    host: "127.0.0.1",
    etcd,
    clusters,
    haproxy: haproxyInstances[0]!,
    haproxyInstances,
    cdnInstances: Array.from({ length: CDN_INSTANCES }, (_, i) => ({
      name: `cdn-${i + 1}`,
      statusPort: b + OFFSET.cdnStatus + i,
    })),
    redis: {
      masterName: REDIS_MASTER_NAME,
      nodes: [redisNode("redis-1", b + OFFSET.redis), redisNode("redis-2", b + OFFSET.redis + 1)],
      sentinels: Array.from({ length: REDIS_SENTINELS }, (_, i) =>
        redisNode(`sentinel-${i + 1}`, b + OFFSET.sentinel + i),
      ),
    },
    apps: {
      storefront: Array.from({ length: STOREFRONT_INSTANCES }, (_, i) => b + OFFSET.storefront + i),
      storefrontSpare: Array.from(
        { length: STOREFRONT_MAX_INSTANCES - STOREFRONT_INSTANCES },
        (_, i) => b + OFFSET.storefront + STOREFRONT_INSTANCES + i,
      ),
      gateway: b + OFFSET.gateway,
      gatewayHttps: b + OFFSET.gatewayHttps,
      storefrontPool: b + OFFSET.storefrontPool,
      vendorPortal: b + OFFSET.vendorPortal,
      vendorPortalGateway: b + OFFSET.vendorPortalGateway,
      vendorPortalGatewayHttps: b + OFFSET.vendorPortalGatewayHttps,
      opsConsole: b + OFFSET.opsConsole,
      opsConsoleGateway: b + OFFSET.opsConsoleGateway,
      opsConsoleGatewayHttps: b + OFFSET.opsConsoleGatewayHttps,
      paymentSim: b + OFFSET.paymentSim,
      paymentSimTls: b + OFFSET.paymentSimTls,
      identity: b + OFFSET.identity,
      cdn: b + OFFSET.cdn,
      mediaOrigin: b + OFFSET.mediaOrigin,
      realtime: Array.from({ length: REALTIME_INSTANCES }, (_, i) => b + OFFSET.realtime + i),
      inventory: Array.from({ length: INVENTORY_INSTANCES }, (_, i) => b + OFFSET.inventory + i),
      telemetryCollector: b + OFFSET.telemetryCollector,
      telemetryQuery: b + OFFSET.telemetryQuery,
      carrierWebhook: b + OFFSET.carrierWebhook,
      workerMetrics: Object.fromEntries(
        WORKER_PROCESSES.map((name, i) => [name, b + OFFSET.workerMetrics + i]),
      ) as Record<WorkerProcessName, number>,
    },
    faultProxies: Object.fromEntries(
      CLUSTERS.map((c, ci) => [c.name, b + OFFSET.faultProxy + ci * 10]),
    ),
    faultProxyAdmin: b + OFFSET.faultProxyAdmin,
    remoteRegions: twoRegions ? [usRegion({ b, stateDir, logDir, pgRoot, redisNode, clusters, etcd })] : [],
    postgres: {
      binDir: PG_BIN_DIR,
      database: "agora",
      appUser: "agora",
      superuser: "postgres",
      replicationUser: "replicator",
    },
  };
}

function usRegion(o: {
  b: number;
  stateDir: string;
  logDir: string;
  pgRoot: string;
  redisNode: (name: string, port: number) => RedisNode;
  clusters: ClusterTopology[];
  etcd: EtcdMember[];
}): RemoteRegion {
  const { b } = o;
  const name = "core-us";
  const nodes: PgMember[] = Array.from({ length: US_CORE_STANDBY_MEMBERS }, (_, mi) => ({
    cluster: name,
    name: `${name}-${mi + 1}`,
    index: mi,
    pgPort: b + OFFSET.usPg + mi,
    restPort: b + OFFSET.usPatroniRest + mi,
    dataDir: join(o.pgRoot, `${name}-${mi + 1}`, "data"),
    configFile: join(o.pgRoot, `${name}-${mi + 1}`, "patroni.yml"),
    logFile: join(o.logDir, `${name}-${mi + 1}.log`),
  }));
  const core = o.clusters.find((c) => c.kind === "core")!;
  const target: Record<(typeof LINK_ROUTES)[number], number> = {
    "core-replication": core.rwPort,
    "core-rw": core.rwPort,
    "shard-1-rw": o.clusters.find((c) => c.name === "shard-1")!.rwPort,
    "shard-1-ro": o.clusters.find((c) => c.name === "shard-1")!.roPort,
    "shard-2-rw": o.clusters.find((c) => c.name === "shard-2")!.rwPort,
    "shard-2-ro": o.clusters.find((c) => c.name === "shard-2")!.roPort,
    "etcd-1": b + OFFSET.etcdClient,
    "etcd-2": b + OFFSET.etcdClient + 1,
    "etcd-3": b + OFFSET.etcdClient + 2,
    telemetry: b + OFFSET.telemetryCollector,
  };
  return {
    name: "us",
    redis: {
      masterName: REDIS_MASTER_NAME,
      nodes: [o.redisNode("redis-us-1", b + OFFSET.usRedis), o.redisNode("redis-us-2", b + OFFSET.usRedis + 1)],
      sentinels: Array.from({ length: REDIS_SENTINELS }, (_, i) => o.redisNode(`sentinel-us-${i + 1}`, b + OFFSET.usSentinel + i)),
    },
    coreStandby: {
      name,
      kind: "core",
      members: nodes.length,
      synchronous: false,
      index: CLUSTERS.length,
      // No HAProxy in us: the standby has one member, read-only by construction (see ADR 0010).
      rwPort: nodes[0]!.pgPort,
      roPort: nodes[0]!.pgPort,
      nodes,
    },
    storefront: Array.from({ length: US_STOREFRONT_INSTANCES }, (_, i) => b + OFFSET.usStorefront + i),
    failoverWorkers: {
      inventory: [b + OFFSET.usInventory],
      carrierWebhook: b + OFFSET.usCarrierWebhook,
      workerMetrics: Object.fromEntries(FAILOVER_WORKERS.map((w, i) => [w, b + OFFSET.usWorkerMetrics + i])) as Record<FailoverWorker, number>,
    },
    link: {
      adminPort: b + OFFSET.regionLinkAdmin,
      stateFile: join(o.stateDir, "region-link.json"),
      logFile: join(o.logDir, "region-link.log"),
      routes: [
        ...LINK_ROUTES.map((r, i): LinkRoute => {
          const member = o.etcd.find((e) => e.name === r);
          return { name: r, listenPort: b + OFFSET.regionLink + i, targetPort: target[r], from: "us", to: member?.location ?? PRIMARY_REGION };
        }),
        ...EU_LINK_ROUTES.map((r, i): LinkRoute => {
          const member = o.etcd.find((e) => `eu-${e.name}` === r)!;
          return { name: r, listenPort: b + OFFSET.euLink + i, targetPort: member.clientPort, from: PRIMARY_REGION, to: member.location };
        }),
        ...o.etcd.map((e, i): LinkRoute => ({
          name: PEER_LINK_ROUTES[i]!,
          listenPort: e.advertisedPeerPort,
          targetPort: e.peerPort,
          from: "any",
          to: e.location,
        })),
      ],
    },
    globalEdge: {
      port: b + OFFSET.globalEdge,
      statsPort: b + OFFSET.globalEdgeStats,
      configFile: join(o.stateDir, "global-edge", "haproxy.cfg"),
      logFile: join(o.logDir, "global-edge.log"),
    },
    failoverStateFile: join(o.stateDir, "region-failover.json"),
    arbiter: { stateFile: join(o.stateDir, "region-arbiter.json"), logFile: join(o.logDir, "region-arbiter.log") },
  };
}

/** The remote region, or a clear error when this state folder runs one region only. */
export function remoteRegion(t: Topology, name = "us"): RemoteRegion {
  const r = t.remoteRegions.find((x) => x.name === name);
  if (!r)
    throw new Error(`this topology runs one region; start it with two (npm start -- --regions 2, or AGORA_REGIONS=2)`);
  return r;
}

/** eu's process of a failover worker: a pool `sagas` → `workers-sagas`; `inventory-1` and `outbox-relay` as they are. */
export function euProcessOf(w: FailoverWorker): string {
  return w === "outbox-relay" || w === "inventory-1" ? w : `workers-${w}`;
}

/** Its name in region `r`: the region before the instance number (`workers-sagas-us-1`, `inventory-us-1`). */
export function failoverWorkerName(r: Pick<RemoteRegion, "name">, w: FailoverWorker): string {
  const eu = euProcessOf(w);
  const numbered = /^(.+)-(\d+)$/.exec(eu);
  return numbered ? `${numbered[1]}-${r.name}-${numbered[2]}` : `${eu}-${r.name}-1`;
}

/** The failover worker a process name stands for (region, worker, eu's process), if it is one. */
export function failoverWorkerOf(
  t: Pick<Topology, "remoteRegions">,
  name: string,
): { region: RemoteRegion; worker: FailoverWorker; euName: string } | undefined {
  for (const region of t.remoteRegions)
    for (const worker of FAILOVER_WORKERS)
      if (failoverWorkerName(region, worker) === name) return { region, worker, euName: euProcessOf(worker) };
  return undefined;
}

/** The dialling side's address of one link route (what a process there connects to). */
export function linkPort(r: RemoteRegion, route: LinkRouteName): number {
  return r.link.routes.find((x) => x.name === route)!.listenPort;
}

/**
 * How a process in `from` reaches each etcd member: directly where the member runs in the same
 * location, else through the link's listener for that member (so a cut or a slow link reaches the
 * DCS and the service registry as it reaches everything else). One region: every member directly.
 */
export function etcdClientPorts(t: Pick<Topology, "etcd" | "remoteRegions">, from: RegionName): { name: string; port: number }[] {
  const r = t.remoteRegions[0];
  return t.etcd.map((e) => {
    if (!r || e.location === from) return { name: e.name, port: e.clientPort };
    const route = r.link.routes.find((x) => x.from === from && x.targetPort === e.clientPort);
    if (!route) throw new Error(`no link route from ${from} to ${e.name} (${e.location})`);
    return { name: e.name, port: route.listenPort };
  });
}

/**
 * The topology as a region's own servers see it: its Redis and its database cluster in place of
 * eu's, so the launcher's and the security module's per-topology functions (configs, certificates,
 * waits) serve a region unchanged.
 */
export function regionView(t: Topology, r: RemoteRegion): Topology {
  return { ...t, redis: r.redis, clusters: [r.coreStandby] };
}

/**
 * Postgres runs as the `postgres` user, which must be able to reach its data folder. When the
 * checkout sits below a folder others cannot enter (e.g. a private temp dir), the Postgres data
 * moves to /var/tmp under a name derived from the state folder; everything else stays in .agora.
 */
function postgresRoot(stateDir: string): string {
  const inside = join(stateDir, "pg");
  if (process.getuid?.() !== 0) return inside;
  let dir = dirname(stateDir);
  while (!existsSync(dir)) dir = dirname(dir);
  for (let d = dir; ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) {
      const id = createHash("sha1").update(stateDir).digest("hex").slice(0, 12);
      return join("/var/tmp/agora-pg", id);
    }
    if (d === "/") return inside;
  }
}

/**
 * The storefront's public URL: the gateway over HTTPS when its plain port only redirects, else
 * the plain gateway (the test profile). Every in-repo client takes it from here (through
 * processEnv's AGORA_STOREFRONT_URL), with the CA from `t.pki.caCert`.
 */
export function storefrontUrl(t: Topology): string {
  return t.edge.plainHttp === "redirect"
    ? `https://${t.host}:${t.apps.gatewayHttps}`
    : `http://${t.host}:${t.apps.gateway}`;
}

/** Every storefront instance's port, instance k at index k-1: `npm start`'s, then the spare ones. */
export function storefrontPorts(t: Topology): number[] {
  return [...t.apps.storefront, ...t.apps.storefrontSpare];
}

export function cluster(t: Topology, name: string): ClusterTopology {
  const c = t.clusters.find((x) => x.name === name);
  if (!c) throw new Error(`unknown cluster "${name}" (known: ${t.clusters.map((x) => x.name).join(", ")})`);
  return c;
}

export interface Secrets {
  superuserPassword: string;
  replicationPassword: string;
  appPassword: string;
  /** Redis `requirepass`/`masterauth`, Sentinel `auth-pass` and the Sentinels' own password. */
  redisPassword: string;
}

/**
 * Passwords are generated once per state folder and never committed. Read by the launcher and,
 * through `databaseUrl`, by every client. A state folder from before a secret existed gets the
 * missing one added; existing ones never change.
 */
export function secrets(t: Topology): Secrets {
  const stored: Partial<Secrets> = existsSync(t.secretsFile)
    ? (JSON.parse(readFileSync(t.secretsFile, "utf8")) as Partial<Secrets>)
    : {};
  const fresh = () => randomBytes(18).toString("base64url");
  const s: Secrets = {
    superuserPassword: stored.superuserPassword ?? fresh(),
    replicationPassword: stored.replicationPassword ?? fresh(),
    appPassword: stored.appPassword ?? fresh(),
    redisPassword: stored.redisPassword ?? fresh(),
  };
  if (Object.keys(s).every((k) => stored[k as keyof Secrets])) return s;
  mkdirSync(dirname(t.secretsFile), { recursive: true });
  writeFileSync(t.secretsFile, JSON.stringify(s, null, 2), { mode: 0o600 });
  return s;
}

/** Connection URL through HAProxy: `rw` reaches the current primary, `ro` a healthy replica. */
export function databaseUrl(
  t: Topology,
  clusterName: string,
  role: ClusterRole,
  opts: { as?: "app" | "superuser"; database?: string } = {},
): string {
  const c = cluster(t, clusterName);
  const s = secrets(t);
  const as = opts.as ?? "app";
  const user = as === "app" ? t.postgres.appUser : t.postgres.superuser;
  const password = as === "app" ? s.appPassword : s.superuserPassword;
  // Whether a process goes through the chaos fault proxy is the launcher's call (env/process-env.ts).
  const port = role === "rw" ? c.rwPort : c.roPort;
  const db = opts.database ?? t.postgres.database;
  return `postgresql://${user}:${encodeURIComponent(password)}@${t.host}:${port}/${db}?${tlsParams(t)}`;
}

/** libpq / node-postgres parameters for TLS verified against the topology's CA, name included. */
export function tlsParams(t: Topology): string {
  return `sslmode=verify-full&sslrootcert=${encodeURIComponent(t.pki.caCert)}`;
}

/** Direct URL to one member (tests and drills only: apps always go through HAProxy). */
export function memberUrl(t: Topology, m: PgMember, database = "postgres"): string {
  const s = secrets(t);
  return `postgresql://${t.postgres.superuser}:${encodeURIComponent(s.superuserPassword)}@${t.host}:${m.pgPort}/${database}?${tlsParams(t)}`;
}

export function sentinelAddresses(t: Topology): { host: string; port: number }[] {
  return t.redis.sentinels.map((s) => ({ host: t.host, port: s.port }));
}

/**
 * How a tool of the topology reaches Redis: through its Sentinels, over TLS verified against the
 * state folder's CA (the servers have no plaintext port), presenting the tools' client pair (they
 * require one), with the topology's passwords.
 */
export function sentinelConnection(t: Topology) {
  const tls = redisToolTls(t);
  return {
    sentinels: sentinelAddresses(t),
    name: t.redis.masterName,
    password: secrets(t).redisPassword,
    sentinelPassword: secrets(t).redisPassword,
    tls,
    sentinelTLS: tls,
    enableTLSForSentinelMode: true,
  };
}
