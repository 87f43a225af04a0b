import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { etcdStatus } from "../probes/etcd.ts";
import { topology } from "../topology.ts";
import { applyNodeAction, chaosTargets } from "./node-faults.ts";

const t = topology("test");
const state = (name: string) => chaosTargets(t).find((x) => x.name === name);

async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in time");
    await sleep(200);
  }
}

describe("node chaos actions on the real topology", () => {
  it("lists every server of the topology as a target with its state", () => {
    const names = chaosTargets(t).map((x) => x.name);
    for (const n of ["etcd-1", "core-1", "shard-1-2", "redis-1", "sentinel-3", "haproxy-1", "haproxy-2", "cdn-1", "cdn-2"])
      expect(names).toContain(n);
    expect(state("core-1")).toMatchObject({ running: true, paused: false, group: "core" });
  });

  it("pauses a sentinel (every process stopped) and resumes it", async () => {
    await applyNodeAction(t, "sentinel-3", "pause");
    await until(() => state("sentinel-3")?.paused === true);
    await applyNodeAction(t, "sentinel-3", "resume");
    await until(() => state("sentinel-3")?.paused === false);
    expect(state("sentinel-3")?.running).toBe(true);
  });

  it("kills an etcd member and restarts it; it rejoins the Raft cluster", async () => {
    const member = t.etcd[2];
    if (!member) throw new Error("topology has no third etcd member");
    await applyNodeAction(t, member.name, "kill");
    await until(() => state(member.name)?.running === false);
    await applyNodeAction(t, member.name, "restart");
    await until(() => state(member.name)?.running === true);
    await until(async () => (await etcdStatus(member)).healthy, 30_000);
  });
});
