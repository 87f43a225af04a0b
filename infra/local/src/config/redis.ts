import type { RedisNode, Topology } from "../topology.ts";

/** Redis node config. Sentinel rewrites these files on failover, so they are only written once. */
export function redisConfig(t: Topology, node: RedisNode, replicaOf?: number): string {
  return [
    `port ${node.port}`,
    `bind ${t.host}`,
    "protected-mode no",
    `dir ${node.dir}`,
    "daemonize no",
    'logfile ""',
    'save ""',
    "appendonly yes",
    "appendfsync everysec",
    `replica-announce-ip ${t.host}`,
    "replica-serve-stale-data yes",
    ...(replicaOf ? [`replicaof ${t.host} ${replicaOf}`] : []),
    "",
  ].join("\n");
}

export const SENTINEL_TIMING = { downAfterMs: 2000, failoverTimeoutMs: 5000, quorum: 2 } as const;

export function sentinelConfig(t: Topology, node: RedisNode, masterPort: number): string {
  const m = t.redis.masterName;
  return [
    `port ${node.port}`,
    `bind ${t.host}`,
    "protected-mode no",
    `dir ${node.dir}`,
    "daemonize no",
    'logfile ""',
    `sentinel announce-ip ${t.host}`,
    `sentinel monitor ${m} ${t.host} ${masterPort} ${SENTINEL_TIMING.quorum}`,
    `sentinel down-after-milliseconds ${m} ${SENTINEL_TIMING.downAfterMs}`,
    `sentinel failover-timeout ${m} ${SENTINEL_TIMING.failoverTimeoutMs}`,
    `sentinel parallel-syncs ${m} 1`,
    "",
  ].join("\n");
}
