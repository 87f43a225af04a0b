export { ConfigError, loadConfig, type EnvSource } from "./load-config.ts";
export { CORE_CLUSTER, dbUrlEnvName, type ClusterRole } from "./clusters.ts";
export * from "./deployables.ts";
export { listenSchema, metricsPortSchema, runtimeSchema } from "./schemas/listen.ts";
export { databaseSchema, type DatabaseConfig } from "./schemas/database.ts";
export { redisSchema } from "./schemas/redis.ts";
export { etcdSchema } from "./schemas/etcd.ts";
export { servicesSchema } from "./schemas/services.ts";
export { cdnCacheSchema, storageSchema } from "./schemas/storage.ts";
export { telemetrySchema } from "./schemas/telemetry.ts";
export {
  DEV_CARRIER_WEBHOOK_SECRET,
  carrierWebhookSecretSchema,
  invitationSecretSchema,
  nextAuthSchema,
} from "./schemas/auth.ts";
export { metricsTargetsSchema } from "./schemas/metrics.ts";
export { dbAdminUrlEnvName, migrationSchema, type MigrationSettings } from "./schemas/migration.ts";
