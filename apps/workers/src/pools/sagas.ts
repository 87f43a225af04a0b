/**
 * The `sagas` pool: runs checkout saga steps and, every `SAGA_SWEEP_EVERY_MS`, the recovery sweep
 * (a BullMQ job scheduler, so only one sweep is queued however many pool processes run). Steps
 * that call the payment provider are routed to the `payments` queue (pools/payments.ts, the
 * bulkhead), which owns the provider's breaker, its published state and its watchdog. A second
 * worker starts the sagas of orders placed in regions without saga workers, from their OrderPlaced
 * outbox event (sagas/checkout/saga-hand-off.ts).
 */
import { Worker } from "bullmq";
import { z } from "zod";
import { loadConfig } from "@agora/config";
import { createRedis } from "@agora/redis";
import {
  createSagaQueue,
  PAYMENTS_QUEUE,
  queueEnqueuer,
  RECOVER_JOB,
  SAGAS_QUEUE,
} from "@agora/orders";
import { createSagaProcessor, waitingInQueues } from "../sagas/checkout/index.ts";
import { sagaAdmission } from "../sagas/checkout/admission.ts";
import { createSagaHandOffProcessor, SAGA_HAND_OFF_QUEUE } from "../sagas/checkout/saga-hand-off.ts";
import { closeInventoryStock } from "../stock/stock-service.ts";
import type { PoolSpec } from "./run-pool.ts";

const envSchema = z.object({
  SAGA_CONCURRENCY: z.coerce.number().int().positive().max(256).default(16),
  SAGA_STALLED_AFTER_MS: z.coerce.number().int().positive().default(30_000),
  SAGA_SWEEP_EVERY_MS: z.coerce.number().int().positive().default(15_000),
});

export function sagasPool(): PoolSpec {
  const env = loadConfig(envSchema);
  const producer = createRedis({
    maxRetriesPerRequest: null,
    connectionName: "pool:sagas:producer",
  });
  const queue = createSagaQueue(producer);
  const paymentsQueue = createSagaQueue(producer, PAYMENTS_QUEUE);
  const enqueue = queueEnqueuer(queue, paymentsQueue);
  // Bounded retries, unlike the producer's: a release that cannot be sent is left to its lease.
  const admissionRedis = createRedis({ connectionName: "pool:sagas:admission" });
  let handOff: Worker | undefined;
  return {
    queue: SAGAS_QUEUE,
    concurrency: env.SAGA_CONCURRENCY,
    processor: createSagaProcessor({
      enqueue,
      admission: sagaAdmission(admissionRedis),
      stalledAfterMs: env.SAGA_STALLED_AFTER_MS,
      stillQueued: waitingInQueues(queue, paymentsQueue),
    }),
    init: async () => {
      await queue.upsertJobScheduler(
        RECOVER_JOB,
        { every: env.SAGA_SWEEP_EVERY_MS },
        { name: RECOVER_JOB },
      );
      handOff = new Worker(SAGA_HAND_OFF_QUEUE, createSagaHandOffProcessor(enqueue), {
        connection: createRedis({ maxRetriesPerRequest: null, connectionName: `pool:${SAGA_HAND_OFF_QUEUE}` }),
        concurrency: 4,
      });
      handOff.on("error", (err) =>
        process.stderr.write(`${JSON.stringify({ level: "warn", pool: SAGA_HAND_OFF_QUEUE, msg: err.message })}\n`),
      );
    },
    close: async () => {
      await handOff?.close();
      await queue.close();
      await paymentsQueue.close();
      producer.disconnect();
      admissionRedis.disconnect();
      closeInventoryStock();
    },
  };
}
