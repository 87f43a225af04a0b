import { describe, expect, it } from "vitest";
import { queuesForTopic, subscriberQueueName } from "./subscriptions.ts";

describe("outbox subscriptions", () => {
  it("gives every subscriber of a topic its own queue", () => {
    expect(queuesForTopic("stock")).toEqual([
      "outbox-stock.search-projection",
      "outbox-stock.live-stock",
      "outbox-stock.vendor-notices",
    ]);
  });

  it("sends a topic without subscribers to one queue named after it", () => {
    expect(queuesForTopic("nobody-listens")).toEqual(["outbox-nobody-listens"]);
  });

  it("refuses subscriber names BullMQ or the naming scheme cannot carry", () => {
    expect(() => subscriberQueueName("stock", "a:b")).toThrow(/invalid subscriber/);
  });
});
