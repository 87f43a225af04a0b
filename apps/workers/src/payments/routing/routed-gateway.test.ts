import { describe, expect, it } from "vitest";
import type { BreakerState, CircuitBreaker } from "@agora/resilience";
import { CircuitOpenError } from "@agora/resilience";
import {
  PaymentNotExecutedError,
  PaymentProviderError,
  type ProviderPayment,
} from "../../sagas/checkout/payment-gateway.ts";
import type { ProviderAdapter, ProviderName } from "../providers/provider-adapter.ts";
import type { ProviderProfile } from "./choose-provider.ts";
import { createRoutedPayments } from "./routed-gateway.ts";
import type { RouteStore } from "./route-store.ts";

type Behaviour = "ok" | "not_executed" | "ambiguous";

/** A provider that records every call and answers as told. */
function fakeProvider(name: ProviderName, state: { behaviour: Behaviour; breaker: BreakerState }) {
  const held: ProviderPayment[] = [];
  const calls: string[] = [];
  let listFails = false;
  const adapter: ProviderAdapter = {
    name,
    currencies: name === "payswift" ? ["EUR"] : "any",
    breaker: {
      get state() {
        return state.breaker;
      },
    } as unknown as CircuitBreaker,
    async authorize(body, key) {
      calls.push(`authorize ${key}`);
      if (state.behaviour === "not_executed")
        throw new PaymentNotExecutedError(name, new CircuitOpenError(name, 1_000));
      if (state.behaviour === "ambiguous") {
        // It ran at the provider, but the answer never came back.
        held.push({
          id: `${name}_${held.length + 1}`,
          orderId: body.orderId,
          status: "authorized",
          amountCents: body.amountCents,
          declineCode: null,
        });
        throw new PaymentProviderError("socket hang up");
      }
      const p: ProviderPayment = {
        id: `${name}_${held.length + 1}`,
        orderId: body.orderId,
        status: "authorized",
        amountCents: body.amountCents,
        declineCode: null,
      };
      held.push(p);
      return p;
    },
    async capture(id, key) {
      calls.push(`capture ${id} ${key}`);
      return { ...(held.find((p) => p.id === id) as ProviderPayment), status: "captured" };
    },
    async void(id, key) {
      calls.push(`void ${id} ${key}`);
      return { ...(held.find((p) => p.id === id) as ProviderPayment), status: "voided" };
    },
    async refund(id, key) {
      calls.push(`refund ${id} ${key}`);
      return { id: "re_1", amountCents: 1 };
    },
    async listByOrder(orderId) {
      calls.push(`list ${orderId}`);
      if (listFails) throw new PaymentNotExecutedError(name, new CircuitOpenError(name, 1_000));
      return held.filter((p) => p.orderId === orderId);
    },
    listSince: async () => [],
    dispose: () => undefined,
  };
  return { adapter, held, calls, failListing: () => (listFails = true) };
}

function memoryStore(): RouteStore & {
  rows: Map<string, { orderId: string; provider: ProviderName }>;
} {
  const rows = new Map<string, { orderId: string; provider: ProviderName }>();
  return {
    rows,
    chosen: async (key) => rows.get(key)?.provider ?? null,
    providersOfOrder: async (orderId) =>
      [...rows.values()].filter((r) => r.orderId === orderId).map((r) => r.provider),
    record: async (r) => {
      rows.set(r.key, { orderId: r.orderId, provider: r.provider });
    },
  };
}

const PROFILES: ProviderProfile[] = [
  { name: "card", currencies: "any", feeBps: 250, fixedFeeCents: 25 },
  { name: "payswift", currencies: ["EUR"], feeBps: 290, fixedFeeCents: 30 },
];

function setup() {
  const cardState = { behaviour: "ok" as Behaviour, breaker: "closed" as BreakerState };
  const swiftState = { behaviour: "ok" as Behaviour, breaker: "closed" as BreakerState };
  const card = fakeProvider("card", cardState);
  const swift = fakeProvider("payswift", swiftState);
  const store = memoryStore();
  const router = createRoutedPayments({
    providers: [card.adapter, swift.adapter],
    profiles: PROFILES,
    store,
  });
  return { card, swift, cardState, swiftState, store, router };
}

const body = { orderId: "o1", amountCents: 5_000, currency: "EUR", paymentMethodId: "pm_1" };

describe("routed payments", () => {
  it("sends a payment to the cheapest provider with a key per (payment, provider), recorded first", async () => {
    const { router, card, store } = setup();
    const p = await router.authorize(body, "o1:authorize");
    expect(p.id).toBe("card_1");
    expect(card.calls).toEqual(["authorize o1:authorize@card"]);
    expect(store.rows.get("o1:authorize")?.provider).toBe("card");
  });

  it("fails over when the first provider provably ran nothing, and routes the capture to the holder", async () => {
    const { router, card, swift, cardState, store } = setup();
    cardState.behaviour = "not_executed";
    const p = await router.authorize(body, "o1:authorize");
    expect(p.id).toBe("payswift:payswift_1");
    expect(card.held).toEqual([]);
    expect(store.rows.get("o1:authorize")?.provider).toBe("payswift");
    await router.capture(p.id, "o1:capture");
    await router.void(p.id, "o1:void");
    expect(swift.calls).toContain("capture payswift_1 o1:capture@payswift");
    expect(swift.calls).toContain("void payswift_1 o1:void@payswift");
    expect(card.calls.filter((c) => c.startsWith("capture"))).toEqual([]);
  });

  it("never fails over after an ambiguous failure: a second hold could follow", async () => {
    const { router, swift, cardState } = setup();
    cardState.behaviour = "ambiguous";
    await expect(router.authorize(body, "o1:authorize")).rejects.toBeInstanceOf(
      PaymentProviderError,
    );
    expect(swift.calls).toEqual([]);
  });

  it("after a crash, retries at the recorded provider and adopts what it already holds there", async () => {
    const { router, card, swift, cardState, store } = setup();
    // The earlier attempt ran at the card provider and the worker died before recording the result.
    cardState.behaviour = "ambiguous";
    await expect(router.authorize(body, "o1:authorize")).rejects.toThrow();
    expect(store.rows.get("o1:authorize")?.provider).toBe("card");
    // Now the card provider refuses calls (open circuit): it is asked what it holds before PaySwift.
    cardState.behaviour = "not_executed";
    const p = await router.authorize(body, "o1:authorize");
    expect(p.id).toBe("card_1");
    expect(card.calls).toContain("list o1");
    expect(swift.calls).toEqual([]);
  });

  it("after a crash, fails over only once the recorded provider shows it holds nothing", async () => {
    const { router, card, swift, cardState, store } = setup();
    await store.record({
      key: "o1:authorize",
      orderId: "o1",
      amountCents: 5_000,
      currency: "EUR",
      provider: "card",
    });
    cardState.behaviour = "not_executed";
    const p = await router.authorize(body, "o1:authorize");
    expect(p.id).toBe("payswift:payswift_1");
    expect(card.calls).toEqual(["authorize o1:authorize@card", "list o1"]);
    expect(swift.held).toHaveLength(1);
  });

  it("does not fail over when the recorded provider cannot say what it holds", async () => {
    const { router, card, swift, cardState, store } = setup();
    await store.record({
      key: "o1:authorize",
      orderId: "o1",
      amountCents: 5_000,
      currency: "EUR",
      provider: "card",
    });
    cardState.behaviour = "not_executed";
    card.failListing();
    await expect(router.authorize(body, "o1:authorize")).rejects.toBeInstanceOf(CircuitOpenError);
    expect(swift.calls).toEqual([]);
  });

  it("surfaces the original error (open circuit) when no provider ran anything", async () => {
    const { router, cardState, swiftState } = setup();
    cardState.behaviour = swiftState.behaviour = "not_executed";
    cardState.breaker = swiftState.breaker = "open";
    await expect(router.authorize(body, "o1:authorize")).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it("tries an open provider last, whatever it costs", async () => {
    const { router, card, swift, cardState } = setup();
    cardState.breaker = "open";
    const p = await router.authorize(body, "o1:authorize");
    expect(p.id).toBe("payswift:payswift_1");
    expect(card.calls).toEqual([]);
    expect(swift.calls).toEqual(["authorize o1:authorize@payswift"]);
  });

  it("does not fail over to a provider that cannot settle the currency", async () => {
    const { router, swift, cardState } = setup();
    cardState.behaviour = "not_executed";
    await expect(
      router.authorize({ ...body, currency: "USD" }, "o1:authorize"),
    ).rejects.toBeInstanceOf(CircuitOpenError);
    expect(swift.calls).toEqual([]);
  });

  it("lists an order's payments only where a call was recorded", async () => {
    const { router, card, swift, cardState } = setup();
    expect(await router.listByOrder("o1")).toEqual([]);
    cardState.behaviour = "not_executed";
    await router.authorize(body, "o1:authorize");
    expect((await router.listByOrder("o1")).map((p) => p.id)).toEqual(["payswift:payswift_1"]);
    expect(card.calls.filter((c) => c.startsWith("list"))).toEqual([]);
    expect(swift.calls).toContain("list o1");
  });
});
