/**
 * Where each server's TLS files live. Servers that run as this user (Redis, Sentinel, etcd) read
 * their pair straight from `<state>/pki/`; Patroni runs as the postgres OS user, so its REST pair,
 * its etcd client pair and a copy of the CA sit in the member's own 0700 folder, beside the
 * Postgres pair.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { EtcdMember, PgMember, RedisNode, Topology } from "../topology.ts";
import { serviceIdentityFiles } from "./service-identity.ts";

export interface TlsFiles {
  cert: string;
  key: string;
  ca: string;
}

const inPki = (t: Pick<Topology, "pki">, name: string): TlsFiles => ({
  cert: join(t.pki.dir, `${name}.crt`),
  key: join(t.pki.dir, `${name}.key`),
  ca: t.pki.caCert,
});

/**
 * A Redis node's or a Sentinel's pair: server to its clients, and its client certificate on the
 * links it opens (a replica to its master, a Sentinel to the nodes and the other Sentinels).
 */
export const redisTlsFiles = (t: Topology, n: RedisNode): TlsFiles => inPki(t, n.name);

/**
 * The client pair the topology's own tools present to Redis and the Sentinels, which require one:
 * the probes (start-up, status, rotation), the drills, the supervisor's autoscaler. They run in
 * the CLIs, the supervisor and the console's local backend alike, so they present one pair rather
 * than their process's: the `test-runner` service identity, the CLIs' own.
 */
export const redisToolTlsFiles = (t: Pick<Topology, "pki">): TlsFiles =>
  serviceIdentityFiles(t, "test-runner");

/** The tools' TLS options for Redis and the Sentinels, read now: the CA and the tools' client pair. */
export function redisToolTls(t: Pick<Topology, "pki">): { ca: Buffer; cert: Buffer; key: Buffer } {
  const client = redisToolTlsFiles(t);
  return { ca: readFileSync(t.pki.caCert), cert: readFileSync(client.cert), key: readFileSync(client.key) };
}

/** An etcd member's pair: server to clients and peers, client of its peers (peer mTLS). */
export const etcdTlsFiles = (t: Topology, m: EtcdMember): TlsFiles => inPki(t, m.name);

/** The client pair every Agora process presents to etcd (`--client-cert-auth`). */
export const etcdClientTlsFiles = (t: Pick<Topology, "pki">): TlsFiles => inPki(t, "etcd-client");

/**
 * The client pair of the callers that change a Patroni cluster's state through its REST API
 * (PATCH /config, switchover, restart): Patroni runs with `verify_client: optional`, so a GET
 * (health checks, status) needs none and every unsafe method needs one.
 */
export const patroniAdminTlsFiles = (t: Pick<Topology, "pki">): TlsFiles => inPki(t, "patroni-admin");

/**
 * Patroni's REST pair, its etcd client pair and the CA, in the member's folder, plus a copy of
 * the admin client pair (what the probes present for unsafe calls to this member).
 */
export function patroniTlsFiles(m: PgMember): {
  rest: { cert: string; key: string };
  etcdClient: { cert: string; key: string };
  admin: { cert: string; key: string };
  ca: string;
} {
  const dir = dirname(m.dataDir);
  return {
    rest: { cert: join(dir, "rest.crt"), key: join(dir, "rest.key") },
    etcdClient: { cert: join(dir, "etcd-client.crt"), key: join(dir, "etcd-client.key") },
    admin: { cert: join(dir, "patroni-admin.crt"), key: join(dir, "patroni-admin.key") },
    ca: join(dir, "ca.crt"),
  };
}
