import { etcdClientTlsFiles, etcdTlsFiles } from "../security/tls-files.ts";
import type { EtcdMember, Topology } from "../topology.ts";

/**
 * etcd member flags. The v2 API stays enabled because Patroni 3.0.2 must use its `etcd:` (v2)
 * backend: its `etcd3:` backend lets a resumed stale leader overwrite the leader key
 * (see docs/adr/0002-local-ha-topology.md and the split-brain chaos test).
 *
 * Client and peer traffic are both mutual TLS: https only, and a client or peer must present a
 * certificate from the topology's CA (`--client-cert-auth`, `--peer-client-cert-auth`). etcd reads
 * its certificate files at each handshake, so a rotated pair is served without a restart.
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
    "--initial-advertise-peer-urls", url(m.peerPort),
    "--initial-cluster", t.etcd.map((e) => `${e.name}=${url(e.peerPort)}`).join(","),
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
  ];
}

export function etcdEndpoints(t: Topology): string[] {
  return t.etcd.map((e) => `https://${t.host}:${e.clientPort}`);
}

/** What an https call to etcd's JSON gateway presents and trusts (probes, tests). */
export function etcdClientTrust(t: Topology): { ca: string; cert: string; key: string } {
  return etcdClientTlsFiles(t);
}
