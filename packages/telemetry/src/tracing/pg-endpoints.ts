/**
 * Which cluster and role a pg connection's port belongs to, from the typed topology: the HAProxy
 * read-write port (and the chaos fault proxy in front of it) is the primary, the read-only port a
 * replica. Every pg span gets `agora.cluster` + `agora.role`, so a trace shows which shard it hit.
 */
import { CLUSTERS, topology, type Topology } from "@agora/infra-local/topology";

export interface PgEndpoint {
  cluster: string;
  role: "primary" | "replica";
}

export function pgEndpoints(t: Topology = topology()): Map<number, PgEndpoint> {
  const byPort = new Map<number, PgEndpoint>();
  for (const spec of CLUSTERS) {
    const c = t.clusters.find((x) => x.name === spec.name);
    if (!c) continue;
    byPort.set(c.rwPort, { cluster: c.name, role: "primary" });
    byPort.set(c.roPort, { cluster: c.name, role: "replica" });
    const proxy = t.faultProxies[c.name];
    if (proxy !== undefined) byPort.set(proxy, { cluster: c.name, role: "primary" });
  }
  return byPort;
}
