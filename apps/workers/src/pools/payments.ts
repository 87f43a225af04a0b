/**
 * The `payments` pool (bulkhead): every call to a payment provider runs here, on its own queue
 * and concurrency (PAYMENTS_CONCURRENCY), so a slow or failing provider holds only this pool's
 * slots while stock steps go on in `sagas`. It owns the providers' adapters and circuit breakers
 * (routing and failover between them: `payments/`), their watchdogs, the combined state it
 * publishes (the API's fast checkout refusal when no provider is up), the scheduled
 * reconciliation with every provider's books, sweeps open vendor refunds, and receives the
 * carrier's shipment webhooks: the carrier is the same external provider boundary, and the
 * receiver only appends order events, so it needs no pool of its own.
 */
import { closeInventoryStock } from "../stock/stock-service.ts";
import { z } from "zod";
import {
  carrierWebhookSecretSchema,
  listenSchema,
  loadConfig,
  paymentProviderKeySchema,
  paymentRoutingSchema,
  payswiftApiKeySchema,
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
import { publishPaymentsBreaker } from "../sagas/checkout/index.ts";
import {
  combineBreakers,
  createCardApiGateway,
  createPaySwiftGateway,
  createRoutedPayments,
  databaseRouteStore,
  PAYSWIFT_CURRENCIES,
} from "../payments/index.ts";
import {
  RECONCILE_PAYMENTS_JOB,
  reconcilePayments,
} from "../payments/reconciliation/reconcile-payments.ts";
import {
  watchPaymentProvider,
  type ProviderWatchdog,
} from "../sagas/checkout/provider-watchdog.ts";
import {
  startCarrierWebhookServer,
  type CarrierWebhookServer,
} from "../fulfilment/carrier-webhook.ts";
import { createPaymentsProcessor, RECOVER_REFUNDS_JOB } from "../fulfilment/payments-processor.ts";
import { sagaAdmission } from "../sagas/checkout/admission.ts";
import type { PoolSpec } from "./run-pool.ts";

const envSchema = z.object({
  PAYMENTS_CONCURRENCY: z.coerce.number().int().positive().max(256).default(8),
  PAYMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** Active health check of the provider through the breaker (see provider-watchdog.ts). */
  PAYMENT_PROBE_EVERY_MS: z.coerce.number().int().positive().default(2_000),
  SAGA_STALLED_AFTER_MS: z.coerce.number().int().positive().default(30_000),
  REFUND_SWEEP_EVERY_MS: z.coerce.number().int().positive().default(15_000),
  /** Capture reconciliation with every provider: how often, how far back, and what is too young. */
  RECONCILE_EVERY_MS: z.coerce.number().int().positive().default(300_000),
  RECONCILE_WINDOW_MS: z.coerce.number().int().positive().default(86_400_000),
  RECONCILE_GRACE_MS: z.coerce.number().int().min(0).default(600_000),
});

const log = createLogger({ service: "workers-payments" });

export function paymentsPool(): PoolSpec {
  // HOST:PORT is the carrier webhook receiver (PORT 0 picks a free port: tests).
  const { env, listen, provider, providerKey, payswiftKey, routing, secret } = loadConfig({
    env: envSchema,
    listen: listenSchema,
    provider: servicesSchema.pick({ AGORA_PAYMENT_PROVIDER_URL: true, AGORA_PAYSWIFT_URL: true }),
    providerKey: paymentProviderKeySchema,
    payswiftKey: payswiftApiKeySchema,
    routing: paymentRoutingSchema,
    secret: carrierWebhookSecretSchema,
  });
  const producer = createRedis({
    maxRetriesPerRequest: null,
    connectionName: "pool:payments:producer",
  });
  const sagas = createSagaQueue(producer, SAGAS_QUEUE);
  const payments = createSagaQueue(producer, PAYMENTS_QUEUE);
  const card = createCardApiGateway({
    baseUrl: provider.AGORA_PAYMENT_PROVIDER_URL,
    apiKey: providerKey.AGORA_PAYMENT_PROVIDER_API_KEY,
    breaker: { timeoutMs: env.PAYMENT_TIMEOUT_MS },
  });
  const payswift = createPaySwiftGateway({
    baseUrl: provider.AGORA_PAYSWIFT_URL,
    apiKey: payswiftKey.AGORA_PAYSWIFT_API_KEY,
    breaker: { timeoutMs: env.PAYMENT_TIMEOUT_MS },
  });
  const providers = [card, payswift];
  const gateway = createRoutedPayments({
    providers,
    profiles: [
      {
        name: "card",
        currencies: card.currencies,
        feeBps: routing.PAYMENT_FEE_CARD_BPS,
        fixedFeeCents: routing.PAYMENT_FEE_CARD_FIXED_CENTS,
      },
      {
        name: "payswift",
        currencies: PAYSWIFT_CURRENCIES,
        feeBps: routing.PAYMENT_FEE_PAYSWIFT_BPS,
        fixedFeeCents: routing.PAYMENT_FEE_PAYSWIFT_FIXED_CENTS,
      },
    ],
    store: databaseRouteStore,
  });
  const enqueue = queueEnqueuer(sagas, payments);
  const enqueueRefund = vendorRefundEnqueuer(payments);
  const breakerState = createRedis({ connectionName: "pool:payments:breaker-state" });
  let breakerPublisher: ReturnType<typeof publishPaymentsBreaker> | undefined;
  let webhook: CarrierWebhookServer | undefined;
  let watchdogs: ProviderWatchdog[] = [];
  return {
    queue: PAYMENTS_QUEUE,
    concurrency: env.PAYMENTS_CONCURRENCY,
    processor: createPaymentsProcessor({
      payments: gateway,
      enqueue,
      enqueueRefund,
      // A failed or cancelled order ends in `compensate`, a step of this pool.
      admission: sagaAdmission(breakerState),
      stalledAfterMs: env.SAGA_STALLED_AFTER_MS,
      reconcile: () =>
        reconcilePayments({
          providers,
          windowMs: env.RECONCILE_WINDOW_MS,
          graceMs: env.RECONCILE_GRACE_MS,
          enqueue,
        }),
    }),
    init: async () => {
      // Closed on start: a restarted worker's fresh breaker replaces a stale "open" at once.
      breakerPublisher = publishPaymentsBreaker(
        combineBreakers("payments", providers.map((p) => p.breaker)),
        breakerState,
      );
      await breakerPublisher.flush();
      watchdogs = providers.map((p) => watchPaymentProvider(p, { everyMs: env.PAYMENT_PROBE_EVERY_MS }));
      // A BullMQ job scheduler: one run per interval across every payments process.
      await payments.upsertJobScheduler(
        RECONCILE_PAYMENTS_JOB,
        { every: env.RECONCILE_EVERY_MS },
        { name: RECONCILE_PAYMENTS_JOB },
      );
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
      for (const w of watchdogs) w.stop();
      breakerPublisher?.stop();
      await breakerPublisher?.flush();
      breakerState.disconnect();
      gateway.dispose();
      await sagas.close();
      await payments.close();
      producer.disconnect();
      closeInventoryStock();
    },
  };
}
