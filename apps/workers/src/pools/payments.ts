/**
 * The `payments` pool (bulkhead): every call to the payment provider runs here, on its own queue
 * and concurrency (PAYMENTS_CONCURRENCY), so a slow or failing provider holds only this pool's
 * slots while stock steps go on in `sagas`. It owns the provider's circuit breaker, its watchdog
 * and its published state (the API's fast checkout refusal), sweeps open vendor refunds, and receives the
 * carrier's shipment webhooks: the carrier is the same external provider boundary, and the
 * receiver only appends order events, so it needs no pool of its own.
 */
import { z } from "zod";
import {
  carrierWebhookSecretSchema,
  listenSchema,
  loadConfig,
  paymentProviderKeySchema,
  servicesSchema,
} from "@agora/config";
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
  PAYMENTS_CONCURRENCY: z.coerce.number().int().positive().max(256).default(8),
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** Active health check of the provider through the breaker (see provider-watchdog.ts). */
  PAYMENT_PROBE_EVERY_MS: z.coerce.number().int().positive().default(2_000),
  SAGA_STALLED_AFTER_MS: z.coerce.number().int().positive().default(30_000),
  REFUND_SWEEP_EVERY_MS: z.coerce.number().int().positive().default(15_000),
});

const log = createLogger({ service: "workers-payments" });

export function paymentsPool(): PoolSpec {
  // HOST:PORT is the carrier webhook receiver (PORT 0 picks a free port: tests).
  const { env, listen, provider, providerKey, secret } = loadConfig({
    env: envSchema,
    listen: listenSchema,
    provider: servicesSchema.pick({ AGORA_PAYMENT_PROVIDER_URL: true }),
    providerKey: paymentProviderKeySchema,
    secret: carrierWebhookSecretSchema,
  });
  const producer = createRedis({
    maxRetriesPerRequest: null,
    connectionName: "pool:payments:producer",
  });
  const sagas = createSagaQueue(producer, SAGAS_QUEUE);
  const payments = createSagaQueue(producer, PAYMENTS_QUEUE);
  const gateway = createPaymentGateway({
    baseUrl: provider.AGORA_PAYMENT_PROVIDER_URL,
    apiKey: providerKey.AGORA_PAYMENT_PROVIDER_API_KEY,
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
        port: listen.PORT,
        host: listen.HOST,
        secret: secret.AGORA_CARRIER_WEBHOOK_SECRET,
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
