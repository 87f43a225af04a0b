import { describe, expect, it } from "vitest";
import { InvalidPushPayloadError, orderPush, stockPush } from "./live-push.ts";
import { parseRoom } from "./rooms.ts";

const P = "0b6f1c52-8d0e-4a7e-9c1a-2f1e5d7c9a10";
const V = "5d2c7a1e-3b4f-4c6d-8e9f-0a1b2c3d4e5f";

describe("room names", () => {
  it("accepts product and order rooms with a uuid and nothing else", () => {
    expect(parseRoom(`product:${P}`)).toEqual({ kind: "product", id: P, name: `product:${P}` });
    expect(parseRoom(`order:${P}`)?.kind).toBe("order");
    expect(parseRoom(`vendor:${P}`)).toBeNull();
    expect(parseRoom("product:42")).toBeNull();
    expect(parseRoom(`order:${P}:extra`)).toBeNull();
  });
});

describe("outbox message → push", () => {
  it("sends a StockChanged to the product's room with only productId and available", () => {
    const push = stockPush({
      messageId: "shard-1-7",
      payload: { productId: P, vendorId: V, available: 3 },
    });
    expect(push).toEqual({
      event: "stock",
      room: `product:${P}`,
      data: { productId: P, available: 3, variants: [] },
    });
  });

  it("carries each variant's availability, so a product page updates the picked size or colour", () => {
    const push = stockPush({
      messageId: "shard-1-8",
      payload: {
        productId: P,
        vendorId: V,
        available: 7,
        variants: [
          { variantId: V, available: 7 },
          { variantId: P, available: 0 },
        ],
      },
    });
    expect(push.data).toEqual({
      productId: P,
      available: 7,
      variants: [
        { variantId: V, available: 7 },
        { variantId: P, available: 0 },
      ],
    });
  });

  it("never forwards an order event's user, vendors or detail to the browser", () => {
    const push = orderPush({
      messageId: "core-9",
      payload: {
        orderId: P,
        userId: V,
        version: 4,
        type: "OrderConfirmed",
        status: "CONFIRMED",
        at: "2026-01-01T00:00:00.000Z",
        vendorIds: [V],
        detail: { amountCents: 100 },
      },
    });
    expect(push).toEqual({
      event: "order",
      room: `order:${P}`,
      data: {
        orderId: P,
        version: 4,
        type: "OrderConfirmed",
        status: "CONFIRMED",
        at: "2026-01-01T00:00:00.000Z",
      },
    });
  });

  it("refuses a payload that does not match the contract", () => {
    expect(() => stockPush({ messageId: "shard-1-8", payload: { productId: P } })).toThrow(
      InvalidPushPayloadError,
    );
  });
});
