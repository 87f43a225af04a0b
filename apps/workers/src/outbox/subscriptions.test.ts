import { describe, expect, it } from "vitest";
import { queuesFor, queuesForTopic, subscriberQueueName } from "./subscriptions.ts";

describe("outbox subscriptions", () => {
  it("gives every subscriber of a topic its own queue", () => {
    expect(queuesForTopic("stock")).toEqual([
      "outbox-stock.search-projection",
      "outbox-stock.live-stock",
      "outbox-stock.vendor-notices",
    ]);
  });

  it("sends a consumer that names its events only those events", () => {
    const all = queuesForTopic("order");
    expect(queuesFor("order", "StockReserved", {})).toEqual(["outbox-order.live-orders"]);
    expect(queuesFor("order", "OrderConfirmed", {})).toEqual([
      "outbox-order.live-orders",
      "outbox-order.notifications",
      "outbox-order.vendor-notices",
    ]);
    expect(queuesFor("order", "OrderReadyForFulfilment", {})).toEqual([
      "outbox-order.live-orders",
      "outbox-order.vendor-orders",
    ]);
    expect(queuesFor("order", "ShipmentCreated", {})).toEqual(
      all.filter(
        (q) => q !== "outbox-order.analytics" && q !== "outbox-order.vendor-notices" && q !== "outbox-order.saga-start",
      ),
    );
    expect(queuesFor("order", "PaymentCaptured", {})).toContain("outbox-order.analytics");
    expect(queuesFor("order", "PaymentCaptured", {})).not.toContain("outbox-order.notifications");
  });

  it("hands the core region's saga workers only orders placed where no saga worker runs", () => {
    const orderId = "6f1c2a8e-1c7b-4b8e-9d0a-1a2b3c4d5e6f";
    const placed = (detail: object) => ({ orderId, type: "OrderPlaced", detail: { totalCents: 100, ...detail } });
    expect(queuesFor("order", "OrderPlaced", placed({ placedIn: "us", sagaStart: "outbox" }))).toContain(
      "outbox-order.saga-start",
    );
    expect(queuesFor("order", "OrderPlaced", placed({ placedIn: "eu" }))).not.toContain("outbox-order.saga-start");
    expect(queuesFor("order", "OrderPlaced", placed({}))).not.toContain("outbox-order.saga-start");
    // The other subscribers of OrderPlaced get it either way.
    expect(queuesFor("order", "OrderPlaced", placed({ placedIn: "us", sagaStart: "outbox" }))).toContain(
      "outbox-order.live-orders",
    );
  });

  it("sends a topic without subscribers to one queue named after it", () => {
    expect(queuesForTopic("nobody-listens")).toEqual(["outbox-nobody-listens"]);
  });

  it("refuses subscriber names BullMQ or the naming scheme cannot carry", () => {
    expect(() => subscriberQueueName("stock", "a:b")).toThrow(/invalid subscriber/);
  });
});
