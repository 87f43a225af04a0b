/**
 * TLS for the Postgres members: each member gets a server certificate from the topology's CA
 * (pki.ts) for 127.0.0.1/localhost, installed beside its data where only the postgres OS user can
 * read the key. Rotation re-issues every member's pair and has each Postgres reload its
 * configuration: new connections get the new certificate, open ones are not dropped.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import pg from "pg";
import { memberTlsFiles } from "../config/patroni.ts";
import { chownToPostgres } from "../processes/spawn.ts";
import { memberUrl, type PgMember, type Topology } from "../topology.ts";
import { describeCert, ensureCa, installPair, issueServerCert } from "./pki.ts";

/** A member's certificate is renewed at start-up when it has less than this left. */
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

export interface MemberCertificate {
  member: string;
  serial: string;
  notAfter: Date;
}

function installed(m: PgMember): MemberCertificate | null {
  const { cert, key } = memberTlsFiles(m);
  if (!existsSync(cert) || !existsSync(key)) return null;
  return { member: m.name, ...describeCert(readFileSync(cert)) };
}

function issueFor(t: Topology, m: PgMember): MemberCertificate {
  const pki = ensureCa(t.stateDir, t.profile.namespace);
  const issued = issueServerCert(pki, `postgres-${m.name}`);
  installPair(issued, dirname(m.dataDir), chownToPostgres);
  return { member: m.name, serial: issued.serial, notAfter: issued.notAfter };
}

/** Every member has a valid certificate (issued on first start, renewed when close to expiry). */
export function ensurePostgresCerts(t: Topology): MemberCertificate[] {
  ensureCa(t.stateDir, t.profile.namespace);
  return t.clusters.flatMap((c) =>
    c.nodes.map((m) => {
      const current = installed(m);
      return current && current.notAfter.getTime() - Date.now() > RENEW_BEFORE_MS
        ? current
        : issueFor(t, m);
    }),
  );
}

/**
 * Rotation without downtime: new pairs for every member, then `pg_reload_conf()` on each running
 * member. Returns the new certificates; members that are down pick theirs up when they start.
 */
export async function rotatePostgresCerts(
  t: Topology,
): Promise<{ certificates: MemberCertificate[]; reloaded: string[] }> {
  const certificates = t.clusters.flatMap((c) => c.nodes.map((m) => issueFor(t, m)));
  const reloaded: string[] = [];
  for (const m of t.clusters.flatMap((c) => c.nodes)) {
    const client = new pg.Client({
      connectionString: memberUrl(t, m),
      connectionTimeoutMillis: 3_000,
    });
    try {
      await client.connect();
      await client.query("SELECT pg_reload_conf()");
      reloaded.push(m.name);
    } catch {
      // Down (a chaos test, a failover): it reads the new pair when Patroni starts it.
    } finally {
      await client.end().catch(() => {});
    }
  }
  return { certificates, reloaded };
}
