import type { EtcdMember, Topology } from "../topology.ts";

/**
 * etcd member flags. The v2 API stays enabled because Patroni 3.0.2 must use its `etcd:` (v2)
 * backend: its `etcd3:` backend lets a resumed stale leader overwrite the leader key
 * (see docs/adr/0002-local-ha-topology.md and the split-brain chaos test).
 */
export function etcdArgs(t: Topology, m: EtcdMember): string[] {
  const url = (port: number) => `http://${t.host}:${port}`;
  return [
    "--name", m.name,
    "--data-dir", m.dataDir,
    "--listen-client-urls", url(m.clientPort),
    "--advertise-client-urls", url(m.clientPort),
    "--listen-peer-urls", url(m.peerPort),
    "--initial-advertise-peer-urls", url(m.peerPort),
    "--initial-cluster", t.etcd.map((e) => `${e.name}=${url(e.peerPort)}`).join(","),
    "--initial-cluster-token", `agora-${t.profile.name}-${t.profile.basePort}`,
    "--initial-cluster-state", "new",
    "--enable-v2=true",
    "--heartbeat-interval", "100",
    "--election-timeout", "1000",
    "--logger", "zap",
    "--log-outputs", "stderr",
  ];
}

export function etcdEndpoints(t: Topology): string[] {
  return t.etcd.map((e) => `http://${t.host}:${e.clientPort}`);
}
