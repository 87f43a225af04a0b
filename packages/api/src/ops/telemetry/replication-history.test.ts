import { describe, expect, it } from "vitest";
import { memberLag } from "@agora/infra-local/status";
import { lagSample } from "./replication-history.ts";

describe("replication lag sample", () => {
  it("records each replica's replay lag per cluster, the leader at 0 and an unreachable member as unknown", () => {
    const sample = lagSample(
      [
        memberLag("core", "core-1", "core-1", 5),
        memberLag("core", "core-2", "core-1", 12),
        memberLag("core", "core-3", "core-1", undefined),
        memberLag("shard-1", "shard-1a", "shard-1a", undefined),
        memberLag("shard-1", "shard-1b", "shard-1a", 230),
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

  it("draws a cluster without a leader (mid-failover) with every member's own reading", () => {
    const sample = lagSample([memberLag("core", "core-2", null, 40)], 1_000);
    expect(sample.get("core")?.lagMs).toEqual({ "core-2": 40 });
  });
});
