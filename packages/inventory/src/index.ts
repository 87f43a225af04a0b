export {
  INVENTORY_PROTO,
  INVENTORY_SERVICE,
  inventoryServiceDefinition,
  LOADER_OPTIONS,
  type AllocationMessage,
  type InventoryMethod,
  type ReservationMessage,
  type ReservationStatus,
  type ReserveRequest,
  type SettleRequest,
  type StockLineMessage,
} from "./contract.ts";
export {
  createInventoryClient,
  INVENTORY_IDENTITY,
  type InventoryClient,
  type InventoryClientOptions,
} from "./client.ts";
export {
  IdempotencyKeyReusedError,
  InventoryCallError,
  OutOfStockError,
  StockInvariantError,
  StockReservationStateError,
  type InventoryReason,
} from "./errors.ts";
export { fromStatus, REASON_KEY, toStatus, type StatusReply } from "./status-mapping.ts";
export { INVENTORY_RETRY_ATTEMPTS, inventoryServiceConfig } from "./service-config.ts";
export { readyEndpoints, REGISTRY_SCHEME, registerRegistryResolver } from "./registry-resolver.ts";
