/**
 * TLS for the topology's servers besides Postgres: Redis nodes and Sentinels (mutual TLS: clients
 * present a certificate of the CA), etcd members (client and peer mTLS), Patroni's REST API, and
 * the client certificate every etcd client presents. Each gets a pair from the topology's CA
 * (pki.ts); rotation re-issues every pair and has each server pick it up without a restart and
 * without dropping open connections:
 * - Redis: `CONFIG SET tls-cert-file` re-reads the pair (as server and as client of its master);
 *   Sentinel has no CONFIG SET, so each Sentinel is restarted in turn (clients ask the next one;
 *   a quorum stays up). Both pairs keep `peer` usage (server and client auth) when re-issued;
 * - etcd: reads its files at each handshake (nothing to do);
 * - Patroni: SIGHUP (it compares the REST certificate's serial on disk and re-binds);
 * - service identities (service-identity.ts): their processes re-read the files themselves (the
 *   Redis clients at each new connection); a replaced pair stays valid until it expires;
 * - the HAProxy frontends' HTTPS certificate: swapped through the runtime API (no reload).
 */
import { copyFileSync, chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { runtimeSocketOf } from "../config/haproxy.ts";
import { runtimeCommand } from "../gateway/runtime-api.ts";
import { setTimeout as sleep } from "node:timers/promises";
import { withRedis } from "../probes/redis.ts";
import { isOurs, readRegistry } from "../processes/registry.ts";
import { chownToPostgres } from "../processes/spawn.ts";
import type { PgMember, Topology } from "../topology.ts";
import { type CertUsage, describeCert, ensureCa, installPair, issueServerCert } from "./pki.ts";
import { SERVICE_IDENTITIES, serviceIdentityFiles, type ServiceIdentity } from "./service-identity.ts";
import {
  etcdClientTlsFiles,
  etcdTlsFiles,
  patroniAdminTlsFiles,
  patroniTlsFiles,
  redisTlsFiles,
} from "./tls-files.ts";

/** A pair is renewed at start-up when it has less than this left (as the Postgres pairs). */
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

export type InternalTlsKind =
  | "redis"
  | "sentinel"
  | "etcd"
  | "etcd-client"
  | "patroni-rest"
  /** The client pair of Patroni REST calls that change state (`verify_client: optional`). */
  | "patroni-admin"
  /** A service identity (service-identity.ts): mutual TLS between Agora's own processes. */
  | "service"
  /** The HAProxy frontends' HTTPS certificate (the apps' public entry). */
  | "edge";

export interface InternalCertificate {
  /** What presents it: "redis redis-1", "etcd etcd-2", "patroni-rest core-1", "etcd-client". */
  endpoint: string;
  kind: InternalTlsKind;
  serial: string;
  notAfter: Date;
}

/** One pair to keep: its name in `<state>/pki`, what it proves, and where it is served. */
interface PairSpec {
  name: string;
  kind: InternalTlsKind;
  endpoint: string;
  usage: CertUsage;
  /** A Patroni member whose folder gets a copy (it runs as the postgres user). */
  member?: PgMember;
  /** The TLS port it is served on (none for a client pair). */
  port?: number;
  /** A service identity: its service name is the subject and a DNS name. */
  service?: ServiceIdentity;
}

function pairs(t: Topology): PairSpec[] {
  return [
    ...t.redis.nodes.map((n): PairSpec => ({ name: n.name, kind: "redis", endpoint: `redis ${n.name}`, usage: "peer", port: n.port })),
    ...t.redis.sentinels.map((n): PairSpec => ({ name: n.name, kind: "sentinel", endpoint: `sentinel ${n.name}`, usage: "peer", port: n.port })),
    ...t.etcd.map((m): PairSpec => ({ name: m.name, kind: "etcd", endpoint: `etcd ${m.name}`, usage: "peer", port: m.clientPort })),
    { name: "etcd-client", kind: "etcd-client", endpoint: "etcd-client", usage: "client" },
    { name: "patroni-admin", kind: "patroni-admin", endpoint: "patroni-admin", usage: "client" },
    ...t.clusters.flatMap((c) =>
      c.nodes.map((m): PairSpec => ({
        name: `patroni-rest-${m.name}`,
        kind: "patroni-rest",
        endpoint: `patroni-rest ${m.name}`,
        usage: "server",
        member: m,
        port: m.restPort,
      })),
    ),
    { name: "edge", kind: "edge", endpoint: "edge", usage: "server" },
    ...SERVICE_IDENTITIES.map((s): PairSpec => ({
      name: `service-${s}`,
      kind: "service",
      endpoint: `service ${s}`,
      usage: "peer",
      service: s,
    })),
  ];
}

/** The servers of `pairs` that require a client certificate of the CA. */
const MUTUAL_KINDS: ReadonlySet<InternalTlsKind> = new Set(["redis", "sentinel", "etcd"]);

export interface InternalTlsEndpoint {
  endpoint: string;
  kind: InternalTlsKind;
  port: number;
  /**
   * The server refuses a handshake without a client certificate (Redis, Sentinel, etcd, the
   * service planes).
   */
  mutual: boolean;
}

/**
 * The TLS endpoints of the topology besides Postgres, for the console's certificate view: the
 * servers above, the internal service planes that present a service identity (every inventory
 * instance, the telemetry collector's query API, the payment simulator's server API) and the
 * HTTPS edge.
 */
export function internalTlsEndpoints(t: Topology): InternalTlsEndpoint[] {
  return [
    ...pairs(t).flatMap((p) =>
      p.port === undefined
        ? []
        : [{ endpoint: p.endpoint, kind: p.kind, port: p.port, mutual: MUTUAL_KINDS.has(p.kind) }],
    ),
    ...t.apps.inventory.map((port, i) => ({
      endpoint: `inventory inventory-${i + 1} (gRPC)`,
      kind: "service" as const,
      port,
      mutual: true,
    })),
    { endpoint: "telemetry-collector query API", kind: "service", port: t.apps.telemetryQuery, mutual: true },
    { endpoint: "payment-sim server API", kind: "service", port: t.apps.paymentSimTls, mutual: true },
    ...(
      [
        ["gateway", t.apps.gatewayHttps],
        ["vendor-portal", t.apps.vendorPortalGatewayHttps],
        ["ops-console", t.apps.opsConsoleGatewayHttps],
      ] as const
    ).map(([app, port]) => ({ endpoint: `haproxy ${app} (HTTPS)`, kind: "edge" as const, port, mutual: false })),
  ];
}

function pkiFile(t: Topology, name: string): string {
  if (name === "etcd-client") return etcdClientTlsFiles(t).cert;
  if (name === "patroni-admin") return patroniAdminTlsFiles(t).cert;
  const redis = [...t.redis.nodes, ...t.redis.sentinels].find((n) => n.name === name);
  if (redis) return redisTlsFiles(t, redis).cert;
  const etcd = t.etcd.find((m) => m.name === name);
  if (etcd) return etcdTlsFiles(t, etcd).cert;
  const service = SERVICE_IDENTITIES.find((x) => name === `service-${x}`);
  if (service) return serviceIdentityFiles(t, service).cert;
  return `${t.pki.dir}/${name}.crt`;
}

/** Copies the CA, the etcd client pair and the REST admin pair into a Patroni member's folder (postgres-owned). */
function installForPatroni(t: Topology, m: PgMember): void {
  const f = patroniTlsFiles(m);
  const client = etcdClientTlsFiles(t);
  installPair({ cert: client.cert, key: client.key, serial: "", notAfter: new Date() }, dirnameOf(f.etcdClient.cert), chownToPostgres, "etcd-client");
  const admin = patroniAdminTlsFiles(t);
  installPair({ cert: admin.cert, key: admin.key, serial: "", notAfter: new Date() }, dirnameOf(f.admin.cert), chownToPostgres, "patroni-admin");
  const tmp = `${f.ca}.tmp`;
  copyFileSync(t.pki.caCert, tmp);
  chmodSync(tmp, 0o644);
  chownToPostgres(tmp);
  renameSync(tmp, f.ca);
}

const dirnameOf = (path: string) => path.slice(0, path.lastIndexOf("/"));

/** HAProxy reads a frontend's certificate and key from one PEM file. */
function writeEdgePem(t: Topology, issued: { cert: string; key: string }): void {
  const tmp = `${t.edge.certFile}.tmp`;
  writeFileSync(tmp, Buffer.concat([readFileSync(issued.cert), readFileSync(issued.key)]), { mode: 0o600 });
  renameSync(tmp, t.edge.certFile);
}

function issue(t: Topology, p: PairSpec): InternalCertificate {
  const pki = ensureCa(t.stateDir, t.profile.namespace);
  const issued = issueServerCert(pki, p.name, {
    usage: p.usage,
    ...(p.service ? { subject: p.service, dns: ["localhost", p.service] } : {}),
  });
  if (p.member) installPair(issued, dirnameOf(patroniTlsFiles(p.member).rest.cert), chownToPostgres, "rest");
  if (p.kind === "edge") writeEdgePem(t, issued);
  return { endpoint: p.endpoint, kind: p.kind, serial: issued.serial, notAfter: issued.notAfter };
}

function current(t: Topology, p: PairSpec): InternalCertificate | null {
  const file = p.member ? patroniTlsFiles(p.member).rest.cert : pkiFile(t, p.name);
  if (!existsSync(file)) return null;
  const { serial, notAfter } = describeCert(readFileSync(file));
  return { endpoint: p.endpoint, kind: p.kind, serial, notAfter };
}

/** Every server and the etcd client have a valid pair (issued on first start, renewed near expiry). */
export function ensureInternalCerts(t: Topology): InternalCertificate[] {
  ensureCa(t.stateDir, t.profile.namespace);
  const certs = pairs(t).map((p) => {
    const c = current(t, p);
    return c && c.notAfter.getTime() - Date.now() > RENEW_BEFORE_MS ? c : issue(t, p);
  });
  for (const c of t.clusters) for (const m of c.nodes) installForPatroni(t, m);
  if (!existsSync(t.edge.certFile)) writeEdgePem(t, { cert: pkiFile(t, "edge"), key: `${t.pki.dir}/edge.key` });
  return certs;
}

/**
 * Hands the edge certificate on disk to every running HAProxy instance through its runtime API (a
 * `set ssl cert` / `commit ssl cert` transaction): new handshakes get it, open connections keep
 * theirs, nothing reloads. Returns the instances that took it.
 */
export async function loadEdgeCert(t: Topology): Promise<string[]> {
  const pem = readFileSync(t.edge.certFile, "utf8");
  const took: string[] = [];
  for (const i of t.haproxyInstances) {
    if (!pidOf(t, i.name)) continue;
    const socket = runtimeSocketOf(i);
    const set = await runtimeCommand(socket, `set ssl cert ${t.edge.certFile} <<\n${pem}`);
    if (!/Transaction (created|updated)/i.test(set)) {
      // Started before its configuration had HTTPS ports: it reads the file at its next restart.
      took.push(`edge ${i.name} (not serving HTTPS yet: ${set.trim().split("\n")[0]})`);
      continue;
    }
    const commit = await runtimeCommand(socket, `commit ssl cert ${t.edge.certFile}`);
    if (!/Success/i.test(commit))
      throw new Error(`${i.name} did not take the new edge certificate: ${set.trim()} / ${commit.trim()}`);
    took.push(`edge ${i.name}`);
  }
  return took;
}

/** A new edge certificate, served by every running HAProxy instance from its next handshake on. */
export async function rotateEdgeCert(t: Topology): Promise<{ certificate: InternalCertificate; reloaded: string[] }> {
  const spec = pairs(t).find((p) => p.kind === "edge");
  if (!spec) throw new Error("the topology has no edge certificate");
  const certificate = issue(t, spec);
  return { certificate, reloaded: await loadEdgeCert(t) };
}

function pidOf(t: Topology, name: string): number | undefined {
  const r = readRegistry(t.pidFile).find((x) => x.name === name);
  return r && isOurs(r) ? r.pid : undefined;
}

/**
 * New pairs for every server and the etcd client, then each running server picks its pair up.
 * `restartSentinel` restarts one Sentinel and waits until it answers again (the launcher's; passed
 * in so this module does not depend on it). Returns the new certificates and what reloaded.
 */
export async function rotateInternalCerts(
  t: Topology,
  restartSentinel: (name: string) => Promise<void>,
): Promise<{ certificates: InternalCertificate[]; reloaded: string[] }> {
  const specs = pairs(t);
  const certificates = specs.map((p) => issue(t, p));
  for (const c of t.clusters) for (const m of c.nodes) installForPatroni(t, m);
  const reloaded: string[] = [];
  for (const n of t.redis.nodes) {
    try {
      // Setting the same path makes Redis build a new TLS context from the files.
      await withRedis(t, n.port, (r) => r.config("SET", "tls-cert-file", redisTlsFiles(t, n).cert), 2_000);
      reloaded.push(`redis ${n.name}`);
    } catch (err) {
      // Down (a chaos test, a failover): it reads the new pair when it starts.
      if (!(err instanceof Error)) throw err;
    }
  }
  for (const s of t.redis.sentinels) {
    if (!pidOf(t, s.name)) continue;
    await restartSentinel(s.name);
    reloaded.push(`sentinel ${s.name}`);
    // Let the restarted Sentinel rejoin before the next one goes: the quorum stays whole.
    await sleep(500);
  }
  // etcd reads its files at each handshake: every new connection gets the new pair.
  for (const m of t.etcd) if (pidOf(t, m.name)) reloaded.push(`etcd ${m.name}`);
  reloaded.push(...(await loadEdgeCert(t)));
  // The service identities need no signal: the inventory servers re-read their pair within a
  // minute, the collector's query API at its next check, clients at their next channel.
  for (const c of t.clusters) {
    for (const m of c.nodes) {
      const pid = pidOf(t, m.name);
      if (!pid) continue;
      process.kill(pid, "SIGHUP");
      reloaded.push(`patroni-rest ${m.name}`);
    }
  }
  return { certificates, reloaded };
}
