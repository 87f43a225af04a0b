import { randomUUID } from "node:crypto";
import type { Job } from "bullmq";
import { describe, expect, it } from "vitest";
import type { SagaStep } from "@agora/orders";
import { createSagaProcessor } from "./saga-processor.ts";

const jobOf = (orderId: string, step: SagaStep) =>
  ({ name: step, data: { orderId, step }, queueName: "sagas", id: "1", attemptsMade: 0 }) as Job;

describe("the sagas pool's processor (no payment provider)", () => {
  it("hands every provider step to the payments queue instead of calling the provider", async () => {
    const forwarded: [string, SagaStep][] = [];
    const processor = createSagaProcessor({
      enqueue: async (orderId, step) => {
        forwarded.push([orderId, step]);
      },
      stalledAfterMs: 30_000,
    });
    const orderId = randomUUID();
    for (const step of ["authorize-payment", "capture-payment", "compensate"] as const)
      expect(await processor(jobOf(orderId, step), "token")).toEqual({
        orderId,
        step,
        outcome: "forwarded",
      });
    expect(forwarded).toEqual([
      [orderId, "authorize-payment"],
      [orderId, "capture-payment"],
      [orderId, "compensate"],
    ]);
  });
});
