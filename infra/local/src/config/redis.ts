import type { RedisNode, Topology } from "../topology.ts";

/** What every Redis server and Sentinel of the topology starts with: its address, folder, no daemon. */
function serverBasics(t: Topology, node: RedisNode): string[] {
  return [`port ${node.port}`, `bind ${t.host}`, `dir ${node.dir}`, "daemonize no", 'logfile ""'];
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
    redisAuth(password),
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

export const SENTINEL_TIMING = { downAfterMs: 2000, failoverTimeoutMs: 5000, quorum: 2 } as const;

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
    sentinelAuth(t, password),
  );
}
