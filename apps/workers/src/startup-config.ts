/**
 * What each process of the workers image needs from the environment, checked once before it
 * opens any connection: a missing variable stops start-up with one message naming every one.
 */
import {
  databaseSchema,
  etcdSchema,
  etcdTlsSchema,
  inventoryClientSchema,
  listenSchema,
  loadConfig,
  metricsPortSchema,
  nextAuthSchema,
  redisSchema,
  runtimeSchema,
  servicesSchema,
  serviceTlsSchema,
  storageSchema,
  migrationSchema,
  carrierWebhookSecretSchema,
  mediaOriginTokenSchema,
  paymentProviderKeySchema,
  paymentRoutingSchema,
  payswiftApiKeySchema,
  telemetryCollectorSchema,
  telemetrySchema,
  type EnvSource,
} from "@agora/config";
import type { z } from "zod";

type Concerns = Record<string, z.ZodType>;

// Every process has a service identity (mutual TLS); production refuses to start without it.
const base: Concerns = {
  runtime: runtimeSchema,
  telemetry: telemetrySchema,
  metrics: metricsPortSchema,
  tls: serviceTlsSchema,
};
/** etcd's client URLs and its mutual TLS pair. */
const etcd: Concerns = { etcd: etcdSchema, etcdTls: etcdTlsSchema };
// Every pool process registers itself in etcd's service registry (pools/run-pool.ts).
const pool: Concerns = { ...base, db: databaseSchema, redis: redisSchema, ...etcd };

/** Concerns per process kind (`realtime-<n>` → `realtime`). */
export const PROCESS_CONFIG: Record<string, Concerns> = {
  sagas: { ...pool, inventory: inventoryClientSchema },
  payments: {
    ...pool,
    listen: listenSchema,
    provider: servicesSchema.pick({ AGORA_PAYMENT_PROVIDER_URL: true, AGORA_PAYSWIFT_URL: true }),
    providerKey: paymentProviderKeySchema,
    payswiftKey: payswiftApiKeySchema,
    routing: paymentRoutingSchema,
    // Compensation and commit-stock run in this pool too.
    inventory: inventoryClientSchema,
    secret: carrierWebhookSecretSchema,
  },
  notifications: { ...pool, storage: storageSchema },
  imports: { ...pool, storage: storageSchema },
  analytics: pool,
  maintenance: { ...pool, storage: storageSchema, ...etcd },
  "outbox-relay": { ...pool, ...etcd },
  projections: pool,
  realtime: {
    ...pool,
    listen: listenSchema,
    ...etcd,
    auth: nextAuthSchema,
    origin: servicesSchema.pick({ AGORA_STOREFRONT_URL: true }),
  },
  "telemetry-collector": {
    runtime: runtimeSchema,
    listen: listenSchema,
    redis: redisSchema,
    tokens: telemetryCollectorSchema,
    tls: serviceTlsSchema,
  },
  "media-origin": { ...base, listen: listenSchema, storage: storageSchema, token: mediaOriginTokenSchema },
  // The inventory gRPC service: the shards (stock), core (idempotency keys), Redis (readiness).
  inventory: { ...pool, listen: listenSchema },
  // One-shot: the release Job's migrations.
  migrate: { runtime: runtimeSchema, migration: migrationSchema },
};

export function processKind(name: string): string {
  if (/^realtime-\d+$/.test(name)) return "realtime";
  return /^inventory(-\d+)?$/.test(name) ? "inventory" : name;
}

/** Validates the environment of process `name`; throws ConfigError naming every problem. */
export function checkStartupConfig(name: string, source: EnvSource = process.env): void {
  const concerns = PROCESS_CONFIG[processKind(name)];
  if (concerns) loadConfig(concerns, source);
}
