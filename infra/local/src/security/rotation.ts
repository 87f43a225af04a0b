/**
 * Rotation of every server certificate of the topology at once — Postgres members, Redis nodes,
 * Sentinels, etcd members, Patroni's REST API and the etcd client pair — each picked up without
 * a restart of the server's clients and without dropping an open connection.
 */
import { restartRedisNode } from "../launcher.ts";
import type { Topology } from "../topology.ts";
import { rotateInternalCerts } from "./internal-tls.ts";
import { rotatePostgresCerts } from "./postgres-tls.ts";

export async function rotateServerCerts(t: Topology): Promise<{ rotated: number; reloaded: string[] }> {
  const pg = await rotatePostgresCerts(t);
  const internal = await rotateInternalCerts(t, (name) => restartRedisNode(t, name));
  return {
    rotated: pg.certificates.length + internal.certificates.length,
    reloaded: [...pg.reloaded.map((m) => `postgres ${m}`), ...internal.reloaded],
  };
}
