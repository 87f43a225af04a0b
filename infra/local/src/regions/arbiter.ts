/**
 * The automatic region promotion's decision and its fence.
 *
 * With an etcd member in eu, one in us and one in a witness location, us + witness are a quorum
 * without eu. eu's core primary demotes itself when it cannot renew its leader lock (failsafe mode
 * is off for core in two regions), so "core's leader key absent, read through the quorum, for
 * longer than Patroni's ttl" means eu's primary has stopped taking writes. The arbiter decides
 * from observations of that key; `fenceAndDecide` then takes the lock in eu's place, so eu can
 * never take it back while us's copy is the primary.
 *
 * The decision is pure (clock and reads injected): `observe` takes what one quorum read saw.
 */
import { PATRONI_TIMING } from "../config/patroni.ts";
import type { EtcdV2Client } from "./etcd-v2.ts";

/** One read of core's leader key. `unreachable`: the read did not go through the quorum. */
export interface LeaderObservation {
  /** Monotonic milliseconds (`performance.now()`, a test's clock). */
  at: number;
  dcs: "ok" | "unreachable";
  /** The leader key's value (eu's leader member name), null when the key is absent. */
  euLeader: string | null;
}

export type ArbiterDecision =
  /** The leader key is held by eu's Patroni: eu holds core. */
  | { kind: "wait"; leader: string; reason: string }
  /** The key is absent, but not yet for long enough (or not yet seen continuously). */
  | { kind: "suspect"; absentSince: number; absentForMs: number; reason: string }
  /** The quorum could not be read: never promote, us may be the side that is cut off. */
  | { kind: "no-quorum"; reason: string }
  /** Absent for `absentForMs` or more, every read in that window through the quorum: fence now. */
  | { kind: "promote"; absentSince: number; absentForMs: number; reason: string }
  /**
   * The key holds a region's fence: a promotion was decided already (by this arbiter before a
   * restart, or by an operator). The caller finishes that promotion (it is idempotent) when the
   * fence is its own region's.
   */
  | { kind: "fenced"; fence: string; region: string; reason: string };

export interface ArbiterOptions {
  /** How long the key must be absent before promoting. Default 2 × Patroni's ttl (6 s). */
  absentForMs?: number;
  /**
   * Longest gap between two observations that still counts as "continuously absent". A gap
   * shorter than the lock's ttl cannot hide a lock that was taken and then expired; a longer one
   * (a stalled poller, a slow read) restarts the window. Default Patroni's ttl (3 s).
   */
  maxGapMs?: number;
}

const TTL_MS = PATRONI_TIMING.ttl * 1_000;

/**
 * What a fence looks like in the leader key: `region-<region>:<ISO time>`. Never a Patroni member
 * name, so a reader can tell a fence from a leader.
 */
export const FENCE_PREFIX = "region-";

export function fenceValue(region: string, at: Date = new Date()): string {
  return `${FENCE_PREFIX}${region}:${at.toISOString()}`;
}

/** The region that set a fence value, or null when the value is not a fence (a member's name). */
export function fenceRegion(value: string): string | null {
  const m = /^region-([^:]+):/.exec(value);
  return m ? m[1]! : null;
}

export class RegionArbiter {
  readonly absentForMs: number;
  readonly maxGapMs: number;
  private absentSince: number | null = null;
  private lastAt: number | null = null;

  constructor(opts: ArbiterOptions = {}) {
    this.absentForMs = opts.absentForMs ?? 2 * TTL_MS;
    this.maxGapMs = opts.maxGapMs ?? TTL_MS;
    if (!(this.absentForMs > 0) || !(this.maxGapMs > 0))
      throw new RangeError("arbiter: absentForMs and maxGapMs must be > 0");
  }

  observe(o: LeaderObservation): ArbiterDecision {
    const gap = this.lastAt === null ? 0 : o.at - this.lastAt;
    this.lastAt = o.at;
    if (o.dcs === "unreachable") {
      this.absentSince = null;
      return {
        kind: "no-quorum",
        reason: "core's leader key could not be read through the etcd quorum",
      };
    }
    if (o.euLeader !== null) {
      this.absentSince = null;
      const region = fenceRegion(o.euLeader);
      if (region !== null)
        return {
          kind: "fenced",
          fence: o.euLeader,
          region,
          reason: `core's leader key holds ${region}'s fence`,
        };
      return {
        kind: "wait",
        leader: o.euLeader,
        reason: `eu holds core: ${o.euLeader} holds the leader key`,
      };
    }
    // A clock going backwards or a gap that could hide a lock taken and lost: start again from here.
    if (this.absentSince === null || gap < 0 || gap > this.maxGapMs) this.absentSince = o.at;
    const absentForMs = o.at - this.absentSince;
    if (absentForMs >= this.absentForMs)
      return {
        kind: "promote",
        absentSince: this.absentSince,
        absentForMs,
        reason: `core's leader key absent for ${Math.round(absentForMs)} ms (≥ ${this.absentForMs} ms), every read through the quorum`,
      };
    return {
      kind: "suspect",
      absentSince: this.absentSince,
      absentForMs,
      reason: `core's leader key absent for ${Math.round(absentForMs)} ms, promoting after ${this.absentForMs} ms`,
    };
  }

  /** Forget the window: after a fence attempt that lost to eu, the next absence starts afresh. */
  reset(): void {
    this.absentSince = null;
    this.lastAt = null;
  }
}

/** What a caller does after trying to fence. */
export type FenceOutcome =
  | { kind: "promote"; fence: string; reason: string }
  | { kind: "wait"; leader: string | null; reason: string };

type LeaderKeyStore = Pick<EtcdV2Client, "get" | "createIfAbsent" | "compareAndDelete">;

/**
 * Takes core's leader lock in eu's place, without a TTL: Patroni acquires the lock only with
 * `prevExist=false` and renews it only with `prevValue=<its own name>` (its unconditional write is
 * for a cluster's first bootstrap), so eu's Patroni cannot take it back while the fence exists.
 * The promotion goes ahead only if the fence is there; if eu took its lock back first, it waits.
 *
 * An etcd error (no quorum) is thrown: the caller treats it as `no-quorum`. A create that timed
 * out may have been committed: the next observation then sees this region's fence (`fenced`).
 */
export async function fenceAndDecide(
  client: LeaderKeyStore,
  leaderKey: string,
  fence: string,
): Promise<FenceOutcome> {
  const region = fenceRegion(fence);
  if (region === null) throw new RangeError(`not a fence value: ${fence} (see fenceValue)`);
  if (await client.createIfAbsent(leaderKey, fence))
    return { kind: "promote", fence, reason: `fenced ${leaderKey} with ${fence}` };
  const now = await client.get(leaderKey, { quorum: true });
  // Our own create, committed by an attempt that timed out, or this region's fence from before.
  if (now && fenceRegion(now.value) === region)
    return {
      kind: "promote",
      fence: now.value,
      reason: `${leaderKey} already holds ${region}'s fence ${now.value}`,
    };
  if (now)
    return {
      kind: "wait",
      leader: now.value,
      reason: `${now.value} took ${leaderKey} before the fence`,
    };
  return {
    kind: "wait",
    leader: null,
    reason: `${leaderKey} changed while fencing: observe again`,
  };
}

/**
 * Failback: removes a region's fence so eu's Patroni can take its lock again. Deletes only a
 * value that is a fence (compare-and-delete on the value read), never a member's lock.
 */
export async function releaseFence(
  client: LeaderKeyStore,
  leaderKey: string,
): Promise<{ released: boolean; value: string | null }> {
  const now = await client.get(leaderKey, { quorum: true });
  if (!now) return { released: false, value: null };
  if (!now.value.startsWith(FENCE_PREFIX)) return { released: false, value: now.value };
  return { released: await client.compareAndDelete(leaderKey, now.value), value: now.value };
}
