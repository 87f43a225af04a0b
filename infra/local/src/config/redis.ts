import { redisTlsFiles } from "../security/tls-files.ts";
import type { RedisNode, Topology } from "../topology.ts";

/** What every Redis server and Sentinel of the topology starts with: its address, folder, no daemon. */
function serverBasics(t: Topology, node: RedisNode): string[] {
  return [`bind ${t.host}`, `dir ${node.dir}`, "daemonize no", 'logfile ""'];
}

/**
 * TLS only: no plaintext port (`port 0`), TLS 1.3 on the node's port with a certificate from the
 * topology's CA, and TLS for the links a node or Sentinel opens itself (a replica to its master,
 * a Sentinel to the nodes and to the other Sentinels: `tls-replication`). Mutual TLS: a client
 * must present a certificate of the same CA (`tls-auth-clients yes`) and then the password, so a
 * stolen password alone gets no connection. Agora's processes present their service identity;
 * a node or Sentinel presents its own pair on the links it opens (no `tls-client-cert-file`:
 * Redis then uses the server pair, issued for server and client auth). `CONFIG SET
 * tls-cert-file` re-reads the pair for both roles (rotation without a restart).
 */
export function redisTls(t: Topology, node: RedisNode): string[] {
  const f = redisTlsFiles(t, node);
  return [
    "port 0",
    `tls-port ${node.port}`,
    `tls-cert-file ${f.cert}`,
    `tls-key-file ${f.key}`,
    `tls-ca-cert-file ${f.ca}`,
    "tls-auth-clients yes",
    "tls-replication yes",
    'tls-protocols "TLSv1.3"',
  ];
}

/**
 * Redis node config. Sentinel rewrites these files on failover, so they are only written once;
 * the auth directives are merged into an existing file (`withAuth`) on every start instead.
 */
export function redisConfig(
  t: Topology,
  node: RedisNode,
  password: string,
  replicaOf?: number,
): string {
  return withAuth(
    [
      ...serverBasics(t, node),
      'save ""',
      "appendonly yes",
      "appendfsync everysec",
      `replica-announce-ip ${t.host}`,
      "replica-serve-stale-data yes",
      ...(replicaOf ? [`replicaof ${t.host} ${replicaOf}`] : []),
      "",
    ].join("\n"),
    [...redisTls(t, node), ...redisAuth(password)],
  );
}

/**
 * Every node may become the master, so each has both: `requirepass` for its clients and
 * `masterauth` for replicating from whichever node is master.
 */
export function redisAuth(password: string): string[] {
  return ["protected-mode yes", `requirepass ${password}`, `masterauth ${password}`];
}

/**
 * Sentinels authenticate to the nodes (`auth-pass`) and to each other (`sentinel-pass`), and ask
 * their own clients for the same password (`requirepass`).
 */
export function sentinelAuth(t: Topology, password: string): string[] {
  return [
    "protected-mode yes",
    `requirepass ${password}`,
    `sentinel sentinel-pass ${password}`,
    `sentinel auth-pass ${t.redis.masterName} ${password}`,
  ];
}

/**
 * `config` with each directive of `auth` set exactly once (replacing an older value): applied to
 * files Sentinel may have rewritten, so it keeps everything else, roles included.
 */
export function withAuth(config: string, auth: string[]): string {
  // A directive is every word of its line but the value.
  const keys = auth.map((line) => `${line.slice(0, line.lastIndexOf(" "))} `);
  const kept = config
    .split("\n")
    .filter((line) => line !== "" && !keys.some((k) => line.startsWith(k)));
  return [...kept, ...auth, ""].join("\n");
}

/**
 * Sentinel timing (docs/runbooks/failover-drill.md has the drills before and after).
 * - `downAfterMs 1000` (was 2000): a PING unanswered this long marks the master down. Redis
 *   answers PING in microseconds unless the process is stopped or starved; a stall longer than a
 *   second (a huge fork, a saturated disk with `appendfsync always`, neither of which Agora does)
 *   now starts a failover. Below 1 s Sentinel would ping more often than every second too.
 * - `failoverTimeoutMs 3000` (was 5000): caps the Sentinels' election wait and the promotion; a
 *   failover that stalls is abandoned and retried after 2 × this (6 s instead of 10 s). A healthy
 *   promotion here takes well under a second.
 * - `quorum 2` of 3 Sentinels: one Sentinel alone never declares the master dead.
 */
export const SENTINEL_TIMING = { downAfterMs: 1000, failoverTimeoutMs: 3000, quorum: 2 } as const;

/** The timing directives, applied by `SENTINEL SET` to running Sentinels too (launcher). */
export function sentinelTimingArgs(t: Topology): string[] {
  return [
    t.redis.masterName,
    "down-after-milliseconds",
    String(SENTINEL_TIMING.downAfterMs),
    "failover-timeout",
    String(SENTINEL_TIMING.failoverTimeoutMs),
  ];
}

export function sentinelConfig(
  t: Topology,
  node: RedisNode,
  masterPort: number,
  password: string,
): string {
  const m = t.redis.masterName;
  return withAuth(
    [
      ...serverBasics(t, node),
      `sentinel announce-ip ${t.host}`,
      `sentinel monitor ${m} ${t.host} ${masterPort} ${SENTINEL_TIMING.quorum}`,
      `sentinel down-after-milliseconds ${m} ${SENTINEL_TIMING.downAfterMs}`,
      `sentinel failover-timeout ${m} ${SENTINEL_TIMING.failoverTimeoutMs}`,
      `sentinel parallel-syncs ${m} 1`,
      "",
    ].join("\n"),
    [...redisTls(t, node), ...sentinelAuth(t, password)],
  );
}
