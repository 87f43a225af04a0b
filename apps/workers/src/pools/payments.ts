/**
 * The `payments` pool (bulkhead): every call to the payment provider runs here, on its own queue
 * and concurrency (PAYMENTS_CONCURRENCY), so a slow or failing provider holds only this pool's
 * slots while stock steps go on in `sagas`. It owns the provider's circuit breaker, its watchdog
 * and its published state (the API's fast checkout refusal), sweeps open vendor refunds, and receives the
 * carrier's shipment webhooks: the carrier is the same external provider boundary, and the
 * receiver only appends order events, so it needs no pool of its own.
 */
import { z } from "zod";
import { topology } from "@agora/infra-local/topology";
import { DEV_CARRIER_WEBHOOK_SECRET } from "@agora/payment-sim";
import { createRedis } from "@agora/redis";
import { createLogger } from "@agora/telemetry";
import {
  createSagaQueue,
  PAYMENTS_QUEUE,
  queueEnqueuer,
  SAGAS_QUEUE,
  vendorRefundEnqueuer,
} from "@agora/orders";
import { createPaymentGateway, publishPaymentsBreaker } from "../sagas/checkout/index.ts";
import {
  watchPaymentProvider,
  type ProviderWatchdog,
} from "../sagas/checkout/provider-watchdog.ts";
import {
  startCarrierWebhookServer,
  type CarrierWebhookServer,
} from "../fulfilment/carrier-webhook.ts";
import { createPaymentsProcessor, RECOVER_REFUNDS_JOB } from "../fulfilment/payments-processor.ts";
import type { PoolSpec } from "./run-pool.ts";

const envSchema = z.object({
  PAYMENT_SIM_URL: z.url().optional(),
  PAYMENTS_CONCURRENCY: z.coerce.number().int().positive().max(256).default(8),
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** Active health check of the provider through the breaker (see provider-watchdog.ts). */
  PAYMENT_PROBE_EVERY_MS: z.coerce.number().int().positive().default(2_000),
  SAGA_STALLED_AFTER_MS: z.coerce.number().int().positive().default(30_000),
  REFUND_SWEEP_EVERY_MS: z.coerce.number().int().positive().default(15_000),
  CARRIER_WEBHOOK_SECRET: z.string().min(16).default(DEV_CARRIER_WEBHOOK_SECRET),
  /** 0 picks a free port (tests); default: the topology's carrierWebhook port. */
  CARRIER_WEBHOOK_PORT: z.coerce.number().int().min(0).max(65535).optional(),
});

const log = createLogger({ service: "workers-payments" });

export function paymentsPool(): PoolSpec {
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid payments pool env var ${String(issue?.path[0])}: ${issue?.message}`);
  }
  const env = parsed.data;
  const t = topology();
  const producer = createRedis({
    maxRetriesPerRequest: null,
    connectionName: "pool:payments:producer",
  });
  const sagas = createSagaQueue(producer, SAGAS_QUEUE);
  const payments = createSagaQueue(producer, PAYMENTS_QUEUE);
  const gateway = createPaymentGateway({
    baseUrl: env.PAYMENT_SIM_URL ?? `http://127.0.0.1:${t.apps.paymentSim}`,
    breaker: { timeoutMs: env.PAYMENT_TIMEOUT_MS },
  });
  const enqueueRefund = vendorRefundEnqueuer(payments);
  const breakerState = createRedis({ connectionName: "pool:payments:breaker-state" });
  let breakerPublisher: ReturnType<typeof publishPaymentsBreaker> | undefined;
  let webhook: CarrierWebhookServer | undefined;
  let watchdog: ProviderWatchdog | undefined;
  return {
    queue: PAYMENTS_QUEUE,
    concurrency: env.PAYMENTS_CONCURRENCY,
    processor: createPaymentsProcessor({
      payments: gateway,
      enqueue: queueEnqueuer(sagas, payments),
      enqueueRefund,
      stalledAfterMs: env.SAGA_STALLED_AFTER_MS,
    }),
    init: async () => {
      // Closed on start: a restarted worker's fresh breaker replaces a stale "open" at once.
      breakerPublisher = publishPaymentsBreaker(gateway.breaker, breakerState);
      await breakerPublisher.flush();
      watchdog = watchPaymentProvider(gateway, { everyMs: env.PAYMENT_PROBE_EVERY_MS });
      await payments.upsertJobScheduler(
        RECOVER_REFUNDS_JOB,
        { every: env.REFUND_SWEEP_EVERY_MS },
        { name: RECOVER_REFUNDS_JOB },
      );
      webhook = await startCarrierWebhookServer({
        port: env.CARRIER_WEBHOOK_PORT ?? t.apps.carrierWebhook,
        host: t.host,
        secret: env.CARRIER_WEBHOOK_SECRET,
        log: (level, fields) => log[level](fields, String(fields.msg ?? "carrier webhook")),
      });
    },
    close: async () => {
      await webhook?.close();
      watchdog?.stop();
      breakerPublisher?.stop();
      await breakerPublisher?.flush();
      breakerState.disconnect();
      gateway.dispose();
      await sagas.close();
      await payments.close();
      producer.disconnect();
    },
  };
}
