/**
 * The inventory service's refusals, as the same classes on both sides of the wire: the server
 * turns them into a gRPC status plus an `agora-reason` trailer, the client turns that back into
 * the class (status-mapping.ts).
 */

/** Reasons carried in the `agora-reason` trailer. */
export type InventoryReason =
  | "OUT_OF_STOCK"
  | "RESERVATION_STATE"
  | "IDEMPOTENCY_KEY_REUSED"
  | "VENDOR_MOVING"
  | "INVALID_REQUEST"
  | "UNAVAILABLE"
  | "INTERNAL";

/** A line of the reservation could not be covered: nothing of this vendor was reserved. */
export class OutOfStockError extends Error {
  readonly code = "OUT_OF_STOCK";
  readonly retryable = false;
  constructor(
    readonly orderId: string,
    readonly vendorId: string,
    readonly shortProductId: string | undefined,
    readonly shortVariantId: string | undefined,
  ) {
    super(
      `order ${orderId}: product ${shortProductId ?? "?"} of vendor ${vendorId} is out of stock`,
    );
    this.name = "OutOfStockError";
  }
}

/** The same idempotency key was sent before with a different request. */
export class IdempotencyKeyReusedError extends Error {
  readonly code = "IDEMPOTENCY_KEY_REUSED";
  readonly retryable = false;
  constructor(readonly key: string) {
    super(`idempotency key ${key} was used for a different request`);
    this.name = "IdempotencyKeyReusedError";
  }
}

/**
 * The service answered with a status the caller cannot act on beyond retrying or giving up:
 * unavailable after the channel's retries, deadline exceeded, invalid request, internal error.
 */
export class InventoryCallError extends Error {
  readonly code: InventoryReason;
  constructor(
    readonly method: string,
    readonly grpcCode: number,
    reason: InventoryReason,
    readonly retryable: boolean,
    message: string,
  ) {
    super(`inventory ${method}: ${message}`);
    this.name = "InventoryCallError";
    this.code = reason;
  }
}

/** A state change the reservation's current state does not allow (commit of a released order). */
export class StockReservationStateError extends Error {
  readonly code = "STOCK_RESERVATION_STATE";
  readonly retryable = false;
  constructor(
    readonly orderId: string,
    readonly vendorId: string,
    action: string,
    readonly status: string | null,
  ) {
    super(
      `cannot ${action} stock of order ${orderId} / vendor ${vendorId}: reservation is ${status ?? "missing"}`,
    );
    this.name = "StockReservationStateError";
  }
}

/** The stock row did not hold what the reservation says it holds: an invariant is broken. */
export class StockInvariantError extends Error {
  readonly code = "STOCK_INVARIANT";
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = "StockInvariantError";
  }
}
