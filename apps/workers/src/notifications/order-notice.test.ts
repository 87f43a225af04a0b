import type { OrderEventType } from "@agora/orders";
import { describe, expect, it } from "vitest";
import {
  orderEventPayloadSchema,
  SHOPPER_NOTICE_EVENTS,
  shopperNotice,
  VENDOR_NOTICE_EVENTS,
  vendorNotice,
} from "./order-notice.ts";

/** Every event type of the order aggregate (a Record, so a new one fails to compile until listed). */
const ORDER_EVENT_TYPES: Record<OrderEventType, true> = {
  OrderPlaced: true,
  StockReserved: true,
  PaymentAuthorized: true,
  OrderConfirmed: true,
  PaymentCaptured: true,
  StockCommitted: true,
  OrderReadyForFulfilment: true,
  CompensationStarted: true,
  StockReleased: true,
  PaymentVoided: true,
  OrderFailed: true,
  PaymentRefunded: true,
  OrderCancelled: true,
  VendorOrderAccepted: true,
  VendorOrderPacked: true,
  ShipmentCreated: true,
  ShipmentProgressed: true,
  ShipmentDelivered: true,
  VendorRefundRequested: true,
  VendorRefunded: true,
  VendorRefundFailed: true,
  VendorOrderCancelled: true,
  OrderShipped: true,
  OrderDelivered: true,
};

const payload = (detail: unknown = {}) =>
  orderEventPayloadSchema.parse({
    orderId: "0b6f0b4e-8a64-4c55-9d51-2f4f7c0f6a10",
    userId: "5a0c3c5e-2f55-4a7b-8b5e-0f3c2a1d9e77",
    version: 5,
    type: "x",
    status: "CONFIRMED",
    at: "2026-11-27T07:00:00.000Z",
    vendorIds: ["c1b7a7d2-3f0b-4e5e-9a57-7b1d1b0f6c21"],
    detail,
  });

describe("shopperNotice", () => {
  it.each([
    ["OrderConfirmed", "order_confirmed"],
    ["VendorOrderShipped", "order_shipped"],
    ["ShipmentCreated", "order_shipped"],
    ["OrderDelivered", "order_delivered"],
    ["OrderFailed", "order_failed"],
  ])("turns %s into a %s notice linking to the order", (type, kind) => {
    const n = shopperNotice(type, payload());
    expect(n?.kind).toBe(kind);
    expect(n?.link).toBe("/orders/0b6f0b4e-8a64-4c55-9d51-2f4f7c0f6a10");
    expect(n?.title).toContain("0B6F0B4E");
  });

  it("gives no notice for internal saga steps", () => {
    for (const type of ["OrderPlaced", "StockReserved", "PaymentAuthorized", "PaymentCaptured"]) {
      expect(shopperNotice(type, payload())).toBeNull();
    }
  });

  it("mentions the tracking number and the failure reason when the event carries them", () => {
    expect(
      shopperNotice("VendorOrderShipped", payload({ trackingNumber: "TRK-42" }))?.body,
    ).toContain("TRK-42");
    expect(shopperNotice("OrderFailed", payload({ reason: "payment_declined" }))?.body).toContain(
      "payment declined",
    );
  });
});

describe("vendorNotice", () => {
  it("alerts vendors of confirmed orders only", () => {
    expect(vendorNotice("OrderConfirmed", payload())?.kind).toBe("vendor_new_order");
    expect(vendorNotice("OrderDelivered", payload())).toBeNull();
  });
});

describe("the events the notice consumers are sent", () => {
  // The relay sends the notification consumers only these events: one missing here is a notice never sent.
  const everyType = [...Object.keys(ORDER_EVENT_TYPES), "VendorOrderShipped"];

  it("lists every order event a shopper gets a notice for, and only those", () => {
    const noticed = everyType.filter((type) => shopperNotice(type, payload()) !== null);
    expect([...noticed].sort()).toEqual([...SHOPPER_NOTICE_EVENTS].sort());
  });

  it("lists every order event vendors get a notice for, and only those", () => {
    const noticed = everyType.filter((type) => vendorNotice(type, payload()) !== null);
    expect(noticed).toEqual([...VENDOR_NOTICE_EVENTS]);
  });
});

describe("orderEventPayloadSchema", () => {
  it("rejects a payload without a user", () => {
    expect(
      orderEventPayloadSchema.safeParse({ orderId: "0b6f0b4e-8a64-4c55-9d51-2f4f7c0f6a10" })
        .success,
    ).toBe(false);
  });
});
