export {
  shardFor,
  locateVendor,
  invalidateShard,
  directoryListenerConnected,
  type ShardLocation,
} from "./directory.ts";
export { chooseShard } from "./placement.ts";
export {
  createVendor,
  VendorConflictError,
  type CreateVendorInput,
  type CreatedVendor,
} from "./create-vendor.ts";
export {
  moveVendor,
  resumeVendorMoves,
  recentVendorMoves,
  VendorMoveError,
  retryWhileVendorMoves,
  isVendorMoving,
  VendorMovingError,
  shardMoveState,
  type MovePhase,
  type MoveProgress,
  type MoveResult,
  type MoveVendorOptions,
  type VendorMoveRecord,
  type ShardMoveState,
} from "./vendor-move/index.ts";
export {
  proposeMoves,
  type ShardLoad,
  type ProposedMove,
  type RebalanceOptions,
} from "./rebalance.ts";
