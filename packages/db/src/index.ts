/**
 * @agora/db — the data layer: Prisma clients per cluster (primary via HAProxy rw, replica via
 * ro), explicit read consistency, tenant sharding, typed errors. See ../README.md.
 */
import { shard, type ShardHandle } from "./clients/registry.ts";
import { shardFor } from "./sharding/directory.ts";

export {
  core,
  shard,
  shardNames,
  closeAll,
  type ClusterHandle,
  type CoreHandle,
  type ShardHandle,
} from "./clients/registry.ts";
export {
  configureDb,
  resetDbConfig,
  urlEnvName,
  type DbConfig,
  type PoolSettings,
} from "./clients/config.ts";
export type { CoreDb, ShardDb, CoreTx, ShardTx, NodeRole } from "./clients/prisma-clients.ts";
export { pgTls, verifiedTls, type PgTls } from "./clients/tls-context.ts";
export {
  LAG_PROBE_SQL,
  assertCommitToken,
  type CommitToken,
  type ReadConsistency,
  type ReadReason,
  type ReadResult,
  type ServedBy,
} from "./replicas/consistency.ts";
export { withRetry, backoffDelay, type RetryOptions } from "./replicas/with-retry.ts";
export {
  beatReplicationHeartbeat,
  coreCopyAge,
  type CoreCopyAge,
} from "./regions/replication-heartbeat.ts";
export { NoShardInRegionError, shardRegions, shardsInRegion } from "./regions/shard-regions.ts";
export {
  DatabaseError,
  DatabaseUnavailableError,
  VendorNotFoundError,
  UnknownShardError,
  MigrationChecksumError,
  mapDatabaseError,
  errorChain,
  isRetryable,
  unavailableReason,
} from "./errors/database-errors.ts";
export * from "./sharding/index.ts";
export {
  hashPassword,
  legacyScryptHash,
  needsRehash,
  verifyPassword,
  verifyPasswordEvenly,
  dummyHashes,
} from "./seed/password.ts";
export {
  setTenant,
  setPlatformScope,
  withTenant,
  withPlatformScope,
  type ScopeTx,
  type ShardTransaction,
  type TenantTransactionOptions,
} from "./tenancy/index.ts";
export {
  PAYOUT_COMPLETED,
  PAYOUT_TOPIC,
  payoutCompletedSchema,
  type PayoutCompleted,
} from "./outbox/payout-events.ts";
export {
  beginParticipant,
  commitPrepared,
  InvalidGidError,
  listPreparedTransactions,
  maxPreparedTransactions,
  rollbackPrepared,
  type ParticipantSession,
  type PreparedTransaction,
} from "./two-phase/index.ts";
export {
  emitProductUpserted,
  emitStockChanged,
  productAvailability,
  productUpsertedSchema,
  stockChangedSchema,
  PRODUCT_TOPIC,
  STOCK_TOPIC,
  type OutboxTx,
  type ProductAvailability,
  type ProductUpserted,
  type StockChanged,
  type VariantAvailability,
} from "./outbox/catalog-events.ts";
// Generated model types, for callers that annotate rows.
export type * as CoreModels from "./generated/core/models.ts";
export type * as ShardModels from "./generated/shard/models.ts";

/** The shard clients of a vendor's shard (looks the shard up in the cached directory). */
export async function forVendor(vendorId: string): Promise<ShardHandle> {
  return shard(await shardFor(vendorId));
}
