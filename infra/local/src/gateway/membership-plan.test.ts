import type { ServiceInstance } from "@agora/registry/record";
import { describe, expect, it } from "vitest";
import { planBackend } from "./membership-plan.ts";
import type { ServerSlot } from "./runtime-api.ts";

const slot = (name: string, port: number, over: Partial<ServerSlot> = {}): ServerSlot => ({
  backend: "b",
  name,
  addr: "127.0.0.1",
  port,
  maint: false,
  drain: false,
  opState: 2,
  weight: 1,
  ...over,
});
const draining = (i: ServiceInstance): ServiceInstance => ({ ...i, ready: false, draining: true });
const inst = (id: string, port: number, ready = true, registeredAt = "2026-12-05T07:00:00.000Z"): ServiceInstance => ({
  service: "storefront",
  instanceId: id,
  address: `127.0.0.1:${port}`,
  version: "dev",
  region: "eu",
  ready,
  registeredAt,
});

describe("planBackend", () => {
  const slots = [slot("s-1", 100), slot("s-2", 101), slot("s-3", 1, { maint: true }), slot("s-4", 1, { maint: true })];

  it("sends nothing when HAProxy already matches the registry", () => {
    expect(planBackend("b", slots, [inst("a", 100), inst("b", 101)]).commands).toEqual([]);
  });

  it("puts a slot without a registered instance into maintenance", () => {
    expect(planBackend("b", slots, [inst("a", 100)]).commands).toEqual(["set server b/s-2 state maint"]);
  });

  it("drains an instance that is registered but not ready, and readies it again", () => {
    expect(planBackend("b", slots, [inst("a", 100, false), inst("b", 101)]).commands).toEqual(["set server b/s-1 state drain"]);
    const drained = slots.map((s) => (s.name === "s-1" ? { ...s, drain: true } : s));
    expect(planBackend("b", drained, [inst("a", 100), inst("b", 101)]).commands).toEqual(["set server b/s-1 state ready"]);
  });

  it("fails open when no instance is ready: the not-ready ones are routed rather than none", () => {
    const drained = slots.map((s) => (s.name === "s-1" || s.name === "s-2" ? { ...s, drain: true } : s));
    const plan = planBackend("b", drained, [inst("a", 100, false), inst("b", 101, false)]);
    expect(plan.failOpen).toBe(true);
    expect(plan.commands).toEqual(["set server b/s-1 state ready", "set server b/s-2 state ready"]);
    // One ready again: the other drains.
    const back = planBackend("b", slots, [inst("a", 100, false), inst("b", 101)]);
    expect(back).toMatchObject({ failOpen: false, commands: ["set server b/s-1 state drain"] });
  });

  it("never routes an instance told to stop: a scale-in's drain while the survivor's probe fails", () => {
    const plan = planBackend("b", slots, [inst("a", 100, false), draining(inst("b", 101))]);
    expect(plan.failOpen).toBe(true);
    expect(plan.commands).toEqual(["set server b/s-2 state drain"]);
    // Only draining instances left (a stop of everything): they drain, nothing is routed.
    expect(planBackend("b", slots, [draining(inst("a", 100)), draining(inst("b", 101))]).commands).toEqual([
      "set server b/s-1 state drain",
      "set server b/s-2 state drain",
    ]);
  });

  it("readies a slot before it drains another, so a swap never leaves nothing routable", () => {
    const drained = slots.map((s) => (s.name === "s-1" ? { ...s, drain: true } : s));
    expect(planBackend("b", drained, [inst("a", 100), inst("b", 101, false)]).commands).toEqual([
      "set server b/s-1 state ready",
      "set server b/s-2 state drain",
    ]);
  });

  it("gives a new instance a spare slot: its address, then its state", () => {
    const plan = planBackend("b", slots, [inst("a", 100), inst("b", 101), inst("c", 200)]);
    expect(plan.commands).toEqual(["set server b/s-3 addr 127.0.0.1 port 200", "set server b/s-3 state ready"]);
    expect(plan.placed).toEqual({ a: "s-1", b: "s-2", c: "s-3" });
  });

  it("sets a rollout's weight before readying a new slot, and only where it differs", () => {
    const weightOf = (i: ServiceInstance) => (i.instanceId === "c" ? 20 : 90);
    const plan = planBackend("b", slots, [inst("a", 100), inst("b", 101), inst("c", 200)], weightOf);
    expect(plan.commands).toEqual([
      "set server b/s-1 weight 90",
      "set server b/s-2 weight 90",
      "set server b/s-3 weight 20",
      "set server b/s-3 addr 127.0.0.1 port 200",
      "set server b/s-3 state ready",
    ]);
    const weighted = slots.map((s) => ({ ...s, weight: 90 }));
    expect(planBackend("b", weighted, [inst("a", 100), inst("b", 101)], weightOf).commands).toEqual([]);
  });

  it("raises weights before lowering others, so a switch never leaves every server at weight 0", () => {
    const blueGreen = [slot("s-1", 100, { weight: 100 }), slot("s-2", 101, { weight: 0 })];
    const toGreen = (i: ServiceInstance) => (i.instanceId === "green" ? 100 : 0);
    expect(planBackend("b", blueGreen, [inst("blue", 100), inst("green", 101)], toGreen).commands).toEqual([
      "set server b/s-2 weight 100",
      "set server b/s-1 weight 0",
    ]);
  });

  it("reports instances beyond the declared slots instead of dropping others", () => {
    const plan = planBackend("b", slots.slice(0, 2), [inst("a", 100), inst("b", 101), inst("c", 200)]);
    expect(plan.unplaced).toEqual(["c"]);
    expect(plan.commands).toEqual([]);
  });

  it("gives one slot to two records of one address: the newest registration's readiness wins", () => {
    const plan = planBackend("b", slots, [
      inst("old", 100, true, "2026-12-05T07:00:00.000Z"),
      inst("new", 100, false, "2026-12-05T07:01:00.000Z"),
      inst("b", 101),
    ]);
    expect(plan.commands).toEqual(["set server b/s-1 state drain"]);
  });
});
