export {
  moveVendor,
  resumeVendorMoves,
  recentVendorMoves,
  VendorMoveError,
  type MovePhase,
  type MoveProgress,
  type MoveResult,
  type MoveVendorOptions,
  type VendorMoveRecord,
} from "./move-vendor.ts";
export {
  retryWhileVendorMoves,
  isVendorMoving,
  VendorMovingError,
  VENDOR_MOVING_SQLSTATE,
  type FenceRetryOptions,
} from "./fence.ts";
export { shardMoveState, type ShardMoveState } from "./move-state.ts";
export { MOVED_TABLES } from "./tables.ts";
