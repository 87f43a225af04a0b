import type { NodeStatus, TopologyStatus } from "./backend.ts";
import { describe, expect, it } from "vitest";
import { groupStatus } from "./topology-status.ts";

const node = (
  name: string,
  kind: NodeStatus["kind"],
  group: string,
  health: NodeStatus["health"],
  role = "replica",
): NodeStatus => ({
  name,
  kind,
  group,
  role,
  health,
});

describe("groupStatus", () => {
  it("groups nodes per system and keeps each cluster's leader", () => {
    const status: TopologyStatus = {
      profile: "test",
      at: "2026-01-01T00:00:00.000Z",
      nodes: [
        node("etcd-1", "etcd", "etcd", "up", "leader"),
        node("core-1", "postgres", "core", "up", "leader"),
        node("core-2", "postgres", "core", "down"),
        node("shard-1-1", "postgres", "shard-1", "degraded"),
        node("redis-1", "redis", "redis", "up", "master"),
        node("sentinel-1", "sentinel", "redis", "up", "sentinel"),
        node("haproxy", "haproxy", "haproxy", "up", "load-balancer"),
      ],
      leaders: { etcd: "etcd-1", core: "core-1", "shard-1": null, redis: "redis-1" },
      totalRssKb: 2048,
    };
    const g = groupStatus(status, ["core", "shard-1"]);
    expect(g.etcd.leader).toBe("etcd-1");
    expect(g.postgres.map((c) => [c.name, c.leader, c.members.length])).toEqual([
      ["core", "core-1", 2],
      ["shard-1", null, 1],
    ]);
    expect(g.redis.sentinels.map((s) => s.name)).toEqual(["sentinel-1"]);
    expect(g.totals).toEqual({ up: 5, degraded: 1, down: 1, rssKb: 2048 });
  });
});
