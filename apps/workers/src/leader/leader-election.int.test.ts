/**
 * The election against the test topology's etcd ×3: a follower learns that the leader key is gone
 * from its watch, not from a poll. Both candidates poll once a minute here, so a take-over within
 * seconds of the lease's expiry can only have come from the watch.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { topology } from "@agora/infra-local/topology";
import { LeaderElection, type LeaderTerm } from "./leader-election.ts";

const t = topology("test");
const hosts = t.etcd.map((m) => `https://127.0.0.1:${m.clientPort}`);
const TTL_S = 3;
const POLL_MS = 60_000;
const running: LeaderElection[] = [];

function candidate(name: string, id: string) {
  const terms: LeaderTerm[] = [];
  const election = new LeaderElection({
    hosts,
    name,
    candidateId: id,
    ttlSeconds: TTL_S,
    retryEveryMs: POLL_MS,
    standbyRetryMs: POLL_MS,
    onElected: (term) => terms.push(term),
    onError: () => {
      // A stopped candidate's keepalive errors are expected; the outcome is asserted below.
    },
  });
  running.push(election);
  return { election, terms };
}

async function until<T>(what: string, f: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe("leader election: a standby watches the leader key", () => {
  afterEach(async () => {
    await Promise.all(running.splice(0).map((e) => e.stop().catch((err: unknown) => void err)));
  });

  it("takes over when the crashed leader's lease expires, without waiting for its next poll", async () => {
    const name = `watch-test-${randomUUID().slice(0, 8)}`;
    const a = candidate(name, "a");
    a.election.start();
    const first = await until("a to lead", () => a.terms[0], 15_000);
    const b = candidate(name, "b");
    b.election.start();
    // b's first campaign lost; its next poll is 30–90 s away.
    await sleep(1_500);
    expect(b.terms).toHaveLength(0);

    const crashedAt = Date.now();
    // Heartbeats stop without a resign: etcd deletes the key when the lease runs out.
    await a.election.stop({ resign: false });
    const second = await until("b to lead", () => b.terms[0], 20_000);
    const takeoverMs = Date.now() - crashedAt;
    process.stdout.write(`leader-election watch: take-over ${takeoverMs} ms after the leader stopped (lease TTL ${TTL_S} s)\n`);

    expect(second.token).toBeGreaterThan(first.token);
    expect(b.election.isLeader(second)).toBe(true);
    // Well under the 30 s a poll would have needed at the earliest.
    expect(takeoverMs).toBeLessThan(TTL_S * 1000 + 10_000);
  });

  it("hands over at once when the leader resigns, and the resigned candidate does not take it back", async () => {
    const name = `watch-test-${randomUUID().slice(0, 8)}`;
    const a = candidate(name, "a");
    a.election.start();
    await until("a to lead", () => a.terms[0], 15_000);
    const b = candidate(name, "b");
    b.election.start();
    await sleep(1_500);

    await a.election.resign();
    const term = await until("b to lead", () => b.terms[0], 10_000);
    await sleep(1_000);
    expect(b.election.isLeader(term)).toBe(true);
    expect(a.election.isLeader()).toBe(false);
    expect(a.terms).toHaveLength(1);
  });
});
