import { describe, expect, it } from "vitest";
import {
  type ArbiterDecision,
  fenceAndDecide,
  fenceRegion,
  fenceValue,
  type LeaderObservation,
  RegionArbiter,
  releaseFence,
} from "./arbiter.ts";
import type { EtcdV2Node } from "./etcd-v2.ts";

const EU = "core-eu-1";
const ok = (at: number, euLeader: string | null = null): LeaderObservation => ({
  at,
  dcs: "ok",
  euLeader,
});
const cut = (at: number): LeaderObservation => ({ at, dcs: "unreachable", euLeader: null });
/** One observation a second from `from` to `to` inclusive, the key absent. */
const absent = (from: number, to: number) =>
  Array.from({ length: (to - from) / 1_000 + 1 }, (_, i) => ok(from + i * 1_000));

const CASES: { name: string; seen: LeaderObservation[]; last: Partial<ArbiterDecision> }[] = [
  {
    name: "waits while eu's member holds the leader key",
    seen: [ok(0, EU)],
    last: { kind: "wait", leader: EU },
  },
  {
    name: "suspects after 3 s without a leader",
    seen: [ok(0, EU), ...absent(1_000, 4_000)],
    last: { kind: "suspect", absentForMs: 3_000 },
  },
  {
    name: "promotes after 6 s without a leader, every read through the quorum",
    seen: [ok(0, EU), ...absent(1_000, 7_000)],
    last: { kind: "promote", absentSince: 1_000, absentForMs: 6_000 },
  },
  {
    name: "never promotes when the quorum cannot be read",
    seen: [ok(0, EU), ...absent(1_000, 5_000), cut(6_000)],
    last: { kind: "no-quorum" },
  },
  {
    name: "starts the window again after an unreachable read",
    seen: [...absent(0, 4_000), cut(5_000), ...absent(6_000, 11_000)],
    last: { kind: "suspect", absentSince: 6_000, absentForMs: 5_000 },
  },
  {
    name: "promotes 6 s after the last unreachable read",
    seen: [...absent(0, 4_000), cut(5_000), ...absent(6_000, 12_000)],
    last: { kind: "promote", absentSince: 6_000 },
  },
  {
    name: "waits again when eu's leader is back",
    seen: [...absent(0, 5_000), ok(6_000, EU)],
    last: { kind: "wait", leader: EU },
  },
  {
    name: "starts the window again when eu's leader came back in between",
    seen: [...absent(0, 4_000), ok(5_000, EU), ...absent(6_000, 11_000)],
    last: { kind: "suspect", absentSince: 6_000 },
  },
  {
    name: "starts the window again after a gap longer than the lock's ttl",
    seen: [ok(0), ok(1_000), ok(5_000), ok(8_000)],
    last: { kind: "suspect", absentSince: 5_000, absentForMs: 3_000 },
  },
  {
    name: "reports a region's fence instead of a leader",
    seen: [ok(0, "region-us:2026-12-07T10:00:00.000Z")],
    last: { kind: "fenced", region: "us" },
  },
];

describe("region arbiter", () => {
  it.each(CASES)("$name", ({ seen, last }) => {
    const arbiter = new RegionArbiter();
    let decision: ArbiterDecision | undefined;
    for (const o of seen) decision = arbiter.observe(o);
    expect(decision).toMatchObject(last);
  });

  it("waits 2 × Patroni's ttl (6 s) by default, and honours a shorter window", () => {
    expect(new RegionArbiter().absentForMs).toBe(6_000);
    const quick = new RegionArbiter({ absentForMs: 2_000 });
    expect(quick.observe(ok(0)).kind).toBe("suspect");
    expect(quick.observe(ok(1_000)).kind).toBe("suspect");
    expect(quick.observe(ok(2_000)).kind).toBe("promote");
  });

  it("keeps promoting once the window is met, until a read resets it", () => {
    const arbiter = new RegionArbiter();
    const kinds = [...absent(0, 8_000), cut(9_000), ok(10_000)].map((o) => arbiter.observe(o).kind);
    expect(kinds).toEqual([
      ...Array(6).fill("suspect"),
      "promote",
      "promote",
      "promote",
      "no-quorum",
      "suspect",
    ]);
  });

  it("starts afresh after reset", () => {
    const arbiter = new RegionArbiter();
    for (const o of absent(0, 6_000)) arbiter.observe(o);
    arbiter.reset();
    expect(arbiter.observe(ok(7_000))).toMatchObject({ kind: "suspect", absentForMs: 0 });
  });
});

/** An in-memory leader key with etcd v2's create/compare semantics. */
function memoryStore(initial: string | null) {
  let value = initial;
  let index = 1;
  const store = {
    get value() {
      return value;
    },
    /** What happens between the create and the re-read (eu's Patroni taking its lock). */
    beforeCreate: undefined as (() => void) | undefined,
    set(v: string | null) {
      value = v;
      index++;
    },
    async get(): Promise<EtcdV2Node | null> {
      return value === null ? null : { value, modifiedIndex: index, ttl: null };
    },
    async createIfAbsent(_key: string, v: string): Promise<boolean> {
      store.beforeCreate?.();
      if (value !== null) return false;
      store.set(v);
      return true;
    },
    async compareAndDelete(_key: string, prev: string): Promise<boolean> {
      if (value !== prev) return false;
      store.set(null);
      return true;
    },
  };
  return store;
}

describe("region fence", () => {
  const KEY = "/agora-test/core/leader";
  const FENCE = fenceValue("us", new Date("2026-12-07T10:00:00.000Z"));

  it("names the region in the fence value", () => {
    expect(FENCE).toBe("region-us:2026-12-07T10:00:00.000Z");
    expect(fenceRegion(FENCE)).toBe("us");
    expect(fenceRegion(EU)).toBeNull();
  });

  it("promotes only when the fence was created", async () => {
    const store = memoryStore(null);
    expect(await fenceAndDecide(store, KEY, FENCE)).toMatchObject({
      kind: "promote",
      fence: FENCE,
    });
    expect(store.value).toBe(FENCE);
  });

  it("waits when eu's Patroni took its lock back before the fence", async () => {
    const store = memoryStore(null);
    store.beforeCreate = () => store.set(EU);
    expect(await fenceAndDecide(store, KEY, FENCE)).toMatchObject({ kind: "wait", leader: EU });
    expect(store.value).toBe(EU);
  });

  it("promotes when the key already holds this region's fence (a create that timed out, a restart)", async () => {
    const earlier = fenceValue("us", new Date("2026-12-07T09:59:00.000Z"));
    expect(await fenceAndDecide(memoryStore(earlier), KEY, FENCE)).toMatchObject({
      kind: "promote",
      fence: earlier,
    });
  });

  it("waits when another region's fence holds the key", async () => {
    const other = fenceValue("ap");
    expect(await fenceAndDecide(memoryStore(other), KEY, FENCE)).toMatchObject({
      kind: "wait",
      leader: other,
    });
  });

  it("refuses a fence value a Patroni member could hold", async () => {
    await expect(fenceAndDecide(memoryStore(null), KEY, EU)).rejects.toThrow(RangeError);
  });

  it("releases a fence on failback, never a member's lock", async () => {
    const fenced = memoryStore(FENCE);
    expect(await releaseFence(fenced, KEY)).toEqual({ released: true, value: FENCE });
    expect(fenced.value).toBeNull();
    const led = memoryStore(EU);
    expect(await releaseFence(led, KEY)).toEqual({ released: false, value: EU });
    expect(led.value).toBe(EU);
    expect(await releaseFence(memoryStore(null), KEY)).toEqual({ released: false, value: null });
  });
});
