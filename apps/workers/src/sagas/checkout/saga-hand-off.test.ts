import type { Job } from "bullmq";
import { describe, expect, it } from "vitest";
import type { SagaStep } from "@agora/orders";
import { createSagaHandOffProcessor, SAGA_HAND_OFF_QUEUE } from "./saga-hand-off.ts";

const ORDER = "6f1c2a8e-1c7b-4b8e-9d0a-1a2b3c4d5e6f";
const job = (payload: unknown) => ({ data: { messageId: "core-42", payload, headers: {} } }) as unknown as Job;

describe("starting the saga of an order placed in another region", () => {
  it("queues the first step of a handed-off order, on the queue the relay routes hand-offs to", async () => {
    const queued: [string, SagaStep][] = [];
    const handle = createSagaHandOffProcessor(async (orderId, step) => {
      queued.push([orderId, step]);
    });
    const out = await handle(job({ orderId: ORDER, type: "OrderPlaced", detail: { placedIn: "us", sagaStart: "outbox" } }));
    expect(out).toEqual({ outcome: "started", orderId: ORDER });
    expect(queued).toEqual([[ORDER, "reserve-stock"]]);
    expect(SAGA_HAND_OFF_QUEUE).toBe("outbox-order.saga-start");
  });

  it("leaves alone a message that is not a hand-off (its storefront queued the saga itself)", async () => {
    const queued: string[] = [];
    const handle = createSagaHandOffProcessor(async (orderId) => {
      queued.push(orderId);
    });
    expect(await handle(job({ orderId: ORDER, type: "OrderPlaced", detail: { placedIn: "eu" } }))).toEqual({ outcome: "ignored" });
    expect(await handle(job({ orderId: ORDER, type: "OrderConfirmed", detail: { sagaStart: "outbox" } }))).toEqual({ outcome: "ignored" });
    expect(queued).toEqual([]);
  });

  it("fails the job when the step cannot be queued, so BullMQ retries it", async () => {
    const handle = createSagaHandOffProcessor(async () => {
      throw new Error("redis down");
    });
    await expect(handle(job({ orderId: ORDER, type: "OrderPlaced", detail: { sagaStart: "outbox" } }))).rejects.toThrow("redis down");
  });
});
