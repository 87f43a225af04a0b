/**
 * The node-failover drills of the clusters besides Postgres (docs/runbooks/failover-drill.md):
 * Redis under Sentinel and the etcd Raft group. The bounds are loose on purpose (a shared box
 * under load); the drills' numbers go to the log, the runbook holds the measured ones.
 */
import { describe, expect, it } from "vitest";
import { runEtcdFailoverDrill, runRedisFailoverDrill } from "@agora/infra-local/drills";
import { topology } from "@agora/infra-local/topology";

describe("node failover drills: Redis and etcd", () => {
  const t = topology("test");

  it("a frozen Redis master is replaced and the product's client follows the Sentinels to the new one without waiting for the old master to resume", async () => {
    const r = await runRedisFailoverDrill({ topology: t, mode: "freeze", recoveryTimeoutMs: 20_000 });
    console.log(JSON.stringify(r));
    // Writes resumed on another node while the old master was still stopped: a client that only
    // reconnects when its socket closes would hang on the frozen master until SIGCONT.
    expect(r.rto_ms).not.toBeNull();
    expect(r.new_master).not.toBe(r.old_master);
    expect(r.acked_by_node[r.new_master as string] ?? 0).toBeGreaterThan(0);
    expect(r.unavailable_ms as number).toBeLessThan(10_000);
    expect(r.split_brain).toBe(false);
    expect(r.rejoined).toBe(true);
  });

  it("losing the etcd Raft leader pauses puts for an election, loses none, and fails over no Postgres cluster", async () => {
    const r = await runEtcdFailoverDrill({ topology: t, mode: "kill" });
    console.log(JSON.stringify(r));
    expect(r.new_leader).not.toBeNull();
    expect(r.new_leader).not.toBe(r.old_leader);
    expect(r.rto_ms).not.toBeNull();
    expect(r.lost_writes).toBe(0);
    // etcd is Patroni's DCS: a leader that cannot renew its lock demotes itself, so an etcd
    // election has to fit in Patroni's retry_timeout or every cluster would fail over with it.
    expect(Object.values(r.patroni_leader_changes).every((n) => n === 0)).toBe(true);
    expect(r.rejoined).toBe(true);
  });
});
