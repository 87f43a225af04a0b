import { describe, expect, it } from "vitest";
import { outboxMessageId, outboxQueueName } from "./outbox-message.ts";

describe("outbox naming", () => {
  it("keys a message by cluster and outbox id so ids from different clusters never collide", () => {
    expect(outboxMessageId("core", 7n)).toBe("core-7");
    expect(outboxMessageId("shard-1", "7")).toBe("shard-1-7");
    expect(outboxMessageId("core", 7n)).not.toBe(outboxMessageId("shard-1", 7n));
  });

  it("maps a topic to one queue and rejects names BullMQ cannot hold", () => {
    expect(outboxQueueName("order")).toBe("outbox-order");
    expect(() => outboxQueueName("a:b")).toThrow(/invalid outbox topic/);
    expect(() => outboxQueueName("")).toThrow(/invalid outbox topic/);
  });
});
