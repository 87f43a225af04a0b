import { describe, expect, it } from "vitest";
import type { NodeStatus } from "@agora/infra-local/status";
import { lagSample } from "./replication-history.ts";

const pg = (name: string, group: string, role: string, extra: Partial<NodeStatus> = {}) =>
  ({ name, kind: "postgres", group, role, health: "up", ...extra }) as NodeStatus;

describe("replication lag sample", () => {
  it("records each replica's replay lag per cluster, the leader at 0 and a down member as unknown", () => {
    const sample = lagSample(
      [
        pg("core-1", "core", "leader", { lagMs: 5 }),
        pg("core-2", "core", "sync_standby", { lagMs: 12 }),
        pg("core-3", "core", "replica", { health: "down", lagMs: 40 }),
        pg("shard-1a", "shard-1", "leader"),
        pg("shard-1b", "shard-1", "replica", { lagMs: 230 }),
        { name: "redis-1", kind: "redis", role: "master", health: "up" } as NodeStatus,
      ],
      1_000,
    );
    expect([...sample.keys()]).toEqual(["core", "shard-1"]);
    expect(sample.get("core")).toEqual({
      t: 1_000,
      lagMs: { "core-1": 0, "core-2": 12, "core-3": null },
    });
    expect(sample.get("shard-1")?.lagMs).toEqual({ "shard-1a": 0, "shard-1b": 230 });
  });
});
