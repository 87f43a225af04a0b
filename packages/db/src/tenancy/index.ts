export {
  setTenant,
  setPlatformScope,
  withTenant,
  withPlatformScope,
  type ScopeTx,
  type ShardTransaction,
  type TenantTransactionOptions,
} from "./tenant-scope.ts";
