/**
 * TLS for the topology's servers besides Postgres: Redis nodes and Sentinels, etcd members (client
 * and peer mTLS), Patroni's REST API, and the client certificate every etcd client presents. Each
 * gets a pair from the topology's CA (pki.ts); rotation re-issues every pair and has each server
 * pick it up without a restart and without dropping open connections:
 * - Redis: `CONFIG SET tls-cert-file` re-reads the pair; Sentinel has no CONFIG SET, so each
 *   Sentinel is restarted in turn (clients ask the next one; a quorum stays up);
 * - etcd: reads its files at each handshake (nothing to do);
 * - Patroni: SIGHUP (it compares the REST certificate's serial on disk and re-binds).
 */
import { copyFileSync, chmodSync, existsSync, readFileSync, renameSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { withRedis } from "../probes/redis.ts";
import { isOurs, readRegistry } from "../processes/registry.ts";
import { chownToPostgres } from "../processes/spawn.ts";
import type { PgMember, Topology } from "../topology.ts";
import { type CertUsage, describeCert, ensureCa, installPair, issueServerCert } from "./pki.ts";
import { etcdClientTlsFiles, etcdTlsFiles, patroniTlsFiles, redisTlsFiles } from "./tls-files.ts";

/** A pair is renewed at start-up when it has less than this left (as the Postgres pairs). */
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

export type InternalTlsKind = "redis" | "sentinel" | "etcd" | "etcd-client" | "patroni-rest";

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
}

function pairs(t: Topology): PairSpec[] {
  return [
    ...t.redis.nodes.map((n): PairSpec => ({ name: n.name, kind: "redis", endpoint: `redis ${n.name}`, usage: "peer", port: n.port })),
    ...t.redis.sentinels.map((n): PairSpec => ({ name: n.name, kind: "sentinel", endpoint: `sentinel ${n.name}`, usage: "peer", port: n.port })),
    ...t.etcd.map((m): PairSpec => ({ name: m.name, kind: "etcd", endpoint: `etcd ${m.name}`, usage: "peer", port: m.clientPort })),
    { name: "etcd-client", kind: "etcd-client", endpoint: "etcd-client", usage: "client" },
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
  ];
}

/** The TLS endpoints of the topology besides Postgres, for the console's certificate view. */
export function internalTlsEndpoints(t: Topology): { endpoint: string; kind: InternalTlsKind; port: number }[] {
  return pairs(t).flatMap((p) => (p.port === undefined ? [] : [{ endpoint: p.endpoint, kind: p.kind, port: p.port }]));
}

function pkiFile(t: Topology, name: string): string {
  if (name === "etcd-client") return etcdClientTlsFiles(t).cert;
  const redis = [...t.redis.nodes, ...t.redis.sentinels].find((n) => n.name === name);
  if (redis) return redisTlsFiles(t, redis).cert;
  const etcd = t.etcd.find((m) => m.name === name);
  if (etcd) return etcdTlsFiles(t, etcd).cert;
  return `${t.pki.dir}/${name}.crt`;
}

/** Copies the CA and the etcd client pair into a Patroni member's folder (postgres-owned). */
function installForPatroni(t: Topology, m: PgMember): void {
  const f = patroniTlsFiles(m);
  const client = etcdClientTlsFiles(t);
  installPair({ cert: client.cert, key: client.key, serial: "", notAfter: new Date() }, dirnameOf(f.etcdClient.cert), chownToPostgres, "etcd-client");
  const tmp = `${f.ca}.tmp`;
  copyFileSync(t.pki.caCert, tmp);
  chmodSync(tmp, 0o644);
  chownToPostgres(tmp);
  renameSync(tmp, f.ca);
}

const dirnameOf = (path: string) => path.slice(0, path.lastIndexOf("/"));

function issue(t: Topology, p: PairSpec): InternalCertificate {
  const pki = ensureCa(t.stateDir, t.profile.namespace);
  const issued = issueServerCert(pki, p.name, { usage: p.usage });
  if (p.member) installPair(issued, dirnameOf(patroniTlsFiles(p.member).rest.cert), chownToPostgres, "rest");
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
  return certs;
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
