import { etcdClientTlsFiles, etcdTlsFiles } from "../security/tls-files.ts";
import { type EtcdMember, etcdClientPorts, PRIMARY_REGION, type RegionName, type Topology } from "../topology.ts";

/**
 * etcd member flags. The v2 API stays enabled because Patroni 3.0.2 must use its `etcd:` (v2)
 * backend: its `etcd3:` backend lets a resumed stale leader overwrite the leader key
 * (see docs/adr/0002-local-ha-topology.md and the split-brain chaos test).
 *
 * Client and peer traffic are both mutual TLS: https only, and a client or peer must present a
 * certificate from the topology's CA (`--client-cert-auth`, `--peer-client-cert-auth`). etcd reads
 * its certificate files at each handshake, so a rotated pair is served without a restart.
 *
 * With two regions each member advertises the region link's listener for it (topology
 * `advertisedPeerPort`): its peers in other locations then reach it only as the link lets them. Pre-vote
 * is on there: a member cut off from the leader (us during a cut between the regions) would otherwise
 * raise the term with each election timeout and depose a leader the other two still agree on
 * whenever it gets a message through.
 */
export function etcdArgs(t: Topology, m: EtcdMember): string[] {
  const url = (port: number) => `https://${t.host}:${port}`;
  const f = etcdTlsFiles(t, m);
  // prettier-ignore
  return [
    "--name", m.name,
    "--data-dir", m.dataDir,
    "--listen-client-urls", url(m.clientPort),
    "--advertise-client-urls", url(m.clientPort),
    "--listen-peer-urls", url(m.peerPort),
    "--initial-advertise-peer-urls", url(m.advertisedPeerPort),
    "--initial-cluster", t.etcd.map((e) => `${e.name}=${url(e.advertisedPeerPort)}`).join(","),
    "--initial-cluster-token", `agora-${t.profile.name}-${t.profile.basePort}`,
    "--initial-cluster-state", "new",
    "--cert-file", f.cert,
    "--key-file", f.key,
    "--trusted-ca-file", f.ca,
    "--client-cert-auth",
    "--peer-cert-file", f.cert,
    "--peer-key-file", f.key,
    "--peer-trusted-ca-file", f.ca,
    "--peer-client-cert-auth",
    "--enable-v2=true",
    "--heartbeat-interval", "100",
    "--election-timeout", "1000",
    "--logger", "zap",
    "--log-outputs", "stderr",
    ...(t.remoteRegions.length > 0 ? ["--pre-vote=true"] : []),
  ];
}

/** The members as a process in region `from` reaches them (directly, or through the region link). */
export function etcdEndpoints(t: Topology, from: RegionName = PRIMARY_REGION): string[] {
  return etcdClientPorts(t, from).map((e) => `https://${t.host}:${e.port}`);
}

/** What an https call to etcd's JSON gateway presents and trusts (probes, tests). */
export function etcdClientTrust(t: Topology): { ca: string; cert: string; key: string } {
  return etcdClientTlsFiles(t);
}
