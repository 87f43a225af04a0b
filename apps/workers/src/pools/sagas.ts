/**
 * The `sagas` pool: runs checkout saga steps and, every `SAGA_SWEEP_EVERY_MS`, the recovery sweep
 * (a BullMQ job scheduler, so only one sweep is queued however many pool processes run).
 */
import { z } from "zod";
import { topology } from "@agora/infra-local/topology";
import { createRedis } from "@agora/redis";
import { createSagaQueue, queueEnqueuer, RECOVER_JOB, SAGAS_QUEUE } from "@agora/orders";
import {
  createPaymentGateway,
  createSagaProcessor,
  publishPaymentsBreaker,
} from "../sagas/checkout/index.ts";
import {
  watchPaymentProvider,
  type ProviderWatchdog,
} from "../sagas/checkout/provider-watchdog.ts";
import type { PoolSpec } from "./run-pool.ts";

const envSchema = z.object({
  PAYMENT_SIM_URL: z.url().optional(),
  SAGA_CONCURRENCY: z.coerce.number().int().positive().max(256).default(16),
  SAGA_STALLED_AFTER_MS: z.coerce.number().int().positive().default(30_000),
  SAGA_SWEEP_EVERY_MS: z.coerce.number().int().positive().default(15_000),
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** Active health check of the provider through the breaker (see provider-watchdog.ts). */
  PAYMENT_PROBE_EVERY_MS: z.coerce.number().int().positive().default(2_000),
});

export function sagasPool(): PoolSpec {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid sagas pool env var ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const env = parsed.data;
  const queue = createSagaQueue(
    createRedis({ maxRetriesPerRequest: null, connectionName: "pool:sagas:producer" }),
  );
  const payments = createPaymentGateway({
    baseUrl: env.PAYMENT_SIM_URL ?? `http://127.0.0.1:${topology().apps.paymentSim}`,
    breaker: { timeoutMs: env.PAYMENT_TIMEOUT_MS },
  });
  const enqueue = queueEnqueuer(queue);
  const breakerState = createRedis({ connectionName: "pool:sagas:breaker-state" });
  let breakerPublisher: ReturnType<typeof publishPaymentsBreaker> | undefined;
  let watchdog: ProviderWatchdog | undefined;
  return {
    queue: SAGAS_QUEUE,
    concurrency: env.SAGA_CONCURRENCY,
    processor: createSagaProcessor({
      payments,
      enqueue,
      stalledAfterMs: env.SAGA_STALLED_AFTER_MS,
    }),
    init: async () => {
      // Closed on start: a restarted worker's fresh breaker replaces a stale "open" at once.
      breakerPublisher = publishPaymentsBreaker(payments.breaker, breakerState);
      await breakerPublisher.flush();
      watchdog = watchPaymentProvider(payments, { everyMs: env.PAYMENT_PROBE_EVERY_MS });
      await queue.upsertJobScheduler(
        RECOVER_JOB,
        { every: env.SAGA_SWEEP_EVERY_MS },
        { name: RECOVER_JOB },
      );
    },
    close: async () => {
      watchdog?.stop();
      breakerPublisher?.stop();
      await breakerPublisher?.flush();
      breakerState.disconnect();
      payments.dispose();
      await queue.close();
    },
  };
}
