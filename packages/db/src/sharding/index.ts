export {
  shardFor,
  locateVendor,
  invalidateShard,
  directoryListenerConnected,
  DIRECTORY_CHANNEL,
  type ShardLocation,
} from "./directory.ts";
export { chooseShard } from "./placement.ts";
export {
  createVendor,
  VendorConflictError,
  type CreateVendorInput,
  type CreatedVendor,
} from "./create-vendor.ts";
