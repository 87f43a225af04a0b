/**
 * Checkout admission control against the test topology's Redis (through Sentinel): the limit, the
 * fair line, the adaptive limit, and the lease and the line's deadlines that keep a lost shopper
 * or a lost release from blocking checkout. Each test has its own key namespace.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { createRedis } from "@agora/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createCheckoutAdmission,
  type AdmissionSettings,
  type CheckoutAdmission,
} from "./checkout-admission.ts";

const redis = createRedis({ connectionName: "orders-admission-int-test" });

beforeAll(async () => {
  await redis.ping(); // the first command waits for Sentinel to name the master
});
afterAll(async () => {
  const keys = await redis.keys("test:admission:*");
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

function admission(settings: Partial<AdmissionSettings>): CheckoutAdmission {
  return createCheckoutAdmission(redis, {
    initialLimit: 2,
    minLimit: 1,
    maxLimit: 2,
    targetMs: 4_000,
    leaseMs: 120_000,
    namespace: `test:admission:${randomUUID()}`,
    ...settings,
  });
}

describe("checkout admission", () => {
  it("admits up to the limit, then serves the line in the order it formed", async () => {
    const a = admission({});
    expect(await a.admit("a")).toMatchObject({ admitted: true, inFlight: 1, limit: 2, fresh: true });
    expect(await a.admit("b")).toMatchObject({ admitted: true, inFlight: 2 });
    const c = await a.admit("c");
    expect(c).toMatchObject({ admitted: false, inFlight: 2, position: 1 });
    expect(c.admitted === false && c.retryAfterMs).toBeGreaterThanOrEqual(250);
    expect(await a.admit("d")).toMatchObject({ admitted: false, position: 2 });
    // Asking again keeps the place; an admitted attempt asking again holds one permit, not two.
    expect(await a.admit("c")).toMatchObject({ admitted: false, position: 1 });
    expect(await a.admit("a")).toMatchObject({ admitted: true, inFlight: 2, fresh: false });

    expect(await a.release("a")).toMatchObject({ limit: 2 });
    // One permit is free: d asks first, but c is ahead of it.
    expect(await a.admit("d")).toMatchObject({ admitted: false, position: 2 });
    expect(await a.admit("c")).toMatchObject({ admitted: true, inFlight: 2 });
    expect(await a.admit("d")).toMatchObject({ admitted: false, position: 1 });
    expect(await a.release("a")).toBeNull(); // released already
    expect(await a.state()).toMatchObject({ inFlight: 2, waiting: 1, admitted: 3, released: 1 });
  });

  it("grows the limit while orders end within the target and cuts it once per round trip when they do not", async () => {
    const a = admission({ initialLimit: 4, minLimit: 1, maxLimit: 8, targetMs: 150 });
    await a.admit("fast");
    expect(await a.release("fast")).toMatchObject({ limit: 4 }); // 4 + 1/4
    expect((await a.state()).limit).toBe(4);
    for (let i = 0; i < 9; i++) {
      await a.admit(`f${i}`);
      await a.release(`f${i}`);
    }
    // +1/limit per fast order: 4.25 → 6.03 after nine.
    expect((await a.state()).limit).toBe(6);

    await a.admit("slow-1");
    await a.admit("slow-2");
    await sleep(250);
    const first = await a.release("slow-1");
    expect(first?.tookMs).toBeGreaterThanOrEqual(150);
    expect(first?.limit).toBe(4); // 6.x × 0.75
    // slow-2 was admitted before that cut: the same congestion, no second cut.
    expect(await a.release("slow-2")).toMatchObject({ limit: 4 });
    // An order admitted after the cut and still slow cuts again.
    await a.admit("slow-3");
    await sleep(250);
    expect(await a.release("slow-3")).toMatchObject({ limit: 3 });
    expect(await a.state()).toMatchObject({ cuts: 2 });
  });

  it("does not learn from a permit given back unplaced", async () => {
    const a = admission({ initialLimit: 4, minLimit: 1, maxLimit: 8, targetMs: 100 });
    await a.admit("x");
    await sleep(150);
    expect(await a.release("x", { adapt: false })).toMatchObject({ limit: 4 });
    expect(await a.state()).toMatchObject({ cuts: 0, released: 0, inFlight: 0 });
  });

  it("drops a permit never given back at its lease", async () => {
    const a = admission({ initialLimit: 1, minLimit: 1, maxLimit: 1, leaseMs: 1_000 });
    expect(await a.admit("lost")).toMatchObject({ admitted: true });
    expect(await a.admit("next")).toMatchObject({ admitted: false });
    await sleep(1_100);
    expect(await a.admit("next")).toMatchObject({ admitted: true, inFlight: 1 });
    expect(await a.state()).toMatchObject({ expired: 1 });
  });

  it("lets the line move on past a shopper who stopped asking", async () => {
    // Orders take ~0.5 s here: each is told to come back in 0.5–1 s, and must within 10 s.
    const a = admission({ initialLimit: 1, minLimit: 1, maxLimit: 1, targetMs: 500 });
    await a.admit("holder");
    expect(await a.admit("left")).toMatchObject({ admitted: false, position: 1, retryAfterMs: 500 });
    expect(await a.admit("stayed")).toMatchObject({ admitted: false, position: 2 });
    await a.release("holder");
    // "left" never comes back; "stayed" keeps asking and waits behind it until its deadline.
    await sleep(6_000);
    expect(await a.admit("stayed")).toMatchObject({ admitted: false, position: 2 });
    await sleep(4_300);
    expect(await a.admit("stayed")).toMatchObject({ admitted: true });
    expect(await a.state()).toMatchObject({ abandoned: 1, waiting: 0 });
  });
});
