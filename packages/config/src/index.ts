export { ConfigError, loadConfig, type EnvSource } from "./load-config.ts";
export { CORE_CLUSTER, dbUrlEnvName, type ClusterRole } from "./clusters.ts";
export * from "./deployables.ts";
export {
  CONNECTION_BUDGET,
  type BudgetEntry,
  type ConnectionAllowance,
  connectionsPerInstance,
  DB_TARGETS,
  type DbTarget,
  dbTargetOf,
  type DemandRow,
  isProcessKind,
  type MemberDemand,
  memberDemand,
  OTHER_PROCESS_KINDS,
  poolMaxEnv,
  poolMaxEnvName,
  type ProcessKind,
  processKindOf,
  RESERVED_CONNECTIONS,
  type ReservedConnections,
  reservedConnections,
} from "./connection-budget.ts";
export { listenSchema, metricsPortSchema, runtimeSchema } from "./schemas/listen.ts";
export { databaseSchema, type DatabaseConfig } from "./schemas/database.ts";
export { redisSchema } from "./schemas/redis.ts";
export { etcdSchema, etcdTlsSchema } from "./schemas/etcd.ts";
export { registrySchema } from "./schemas/registry.ts";
export { regionSchema, type RegionSettings } from "./schemas/region.ts";
export { checkoutAdmissionSchema, type CheckoutAdmissionConfig } from "./schemas/checkout-admission.ts";
export { releaseSchema, type ReleaseSettings } from "./schemas/release.ts";
export { servicesSchema } from "./schemas/services.ts";
export { cdnCacheSchema, storageSchema } from "./schemas/storage.ts";
export {
  telemetryCollectorSchema,
  telemetryQueryListenSchema,
  telemetryQuerySchema,
  telemetryReadSchema,
  telemetrySchema,
} from "./schemas/telemetry.ts";
export {
  DEV_CARRIER_WEBHOOK_SECRET,
  DEV_PAYMENT_PROVIDER_API_KEY,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  DEV_PAYSWIFT_API_KEY,
} from "./schemas/secrets.ts";
export {
  mediaOriginTokenSchema,
  metricsTokenSchema,
  paymentProviderKeySchema,
  paymentSimAdminTokenSchema,
  payswiftApiKeySchema,
} from "./schemas/service-tokens.ts";
export {
  carrierWebhookSecretSchema,
  invitationSecretSchema,
  nextAuthSchema,
} from "./schemas/auth.ts";
export {
  identityClientsStoreSchema,
  secretsProviderSchema,
  type SecretsProviderSettings,
} from "./schemas/secrets-provider.ts";
export { metricsTargetsSchema } from "./schemas/metrics.ts";
export { inventoryClientSchema, type InventoryClientSettings } from "./schemas/inventory.ts";
export { paymentRoutingSchema, type PaymentRoutingSettings } from "./schemas/payment-routing.ts";
export { dbAdminUrlEnvName, migrationSchema, type MigrationSettings } from "./schemas/migration.ts";
export { appSignInSchema, identityClientSchema, identityProviderSchema } from "./schemas/identity.ts";
export { serviceTlsSchema, type ServiceTlsSettings } from "./schemas/service-tls.ts";
