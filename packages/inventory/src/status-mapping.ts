/**
 * Domain errors ↔ gRPC status, one table for both sides. The server sends the status code, a
 * public message and the reason (plus details) as trailers; the client rebuilds the typed error.
 * A status never carries internals (SQL, stacks): those stay in the server's log.
 */
import { Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { isRetryable, isVendorMoving, VendorMovingError } from "@agora/db";
import {
  IdempotencyKeyReusedError,
  InventoryCallError,
  OutOfStockError,
  StockReservationStateError,
  type InventoryReason,
} from "./errors.ts";

export const REASON_KEY = "agora-reason";
const SHORT_PRODUCT_KEY = "agora-short-product";
const SHORT_VARIANT_KEY = "agora-short-variant";
const ORDER_KEY = "agora-order";
const VENDOR_KEY = "agora-vendor";
const STATUS_KEY = "agora-reservation-status";

export interface StatusReply {
  code: status;
  details: string;
  metadata: Metadata;
}

function reply(
  code: status,
  reason: InventoryReason,
  details: string,
  extra: Record<string, string> = {},
): StatusReply {
  const metadata = new Metadata();
  metadata.set(REASON_KEY, reason);
  for (const [k, v] of Object.entries(extra)) metadata.set(k, v);
  return { code, details, metadata };
}

/** What the server answers for `err` (anything it did not expect is INTERNAL, message hidden). */
export function toStatus(err: unknown): StatusReply {
  if (err instanceof OutOfStockError)
    return reply(status.FAILED_PRECONDITION, "OUT_OF_STOCK", err.message, {
      [ORDER_KEY]: err.orderId,
      [VENDOR_KEY]: err.vendorId,
      ...(err.shortProductId ? { [SHORT_PRODUCT_KEY]: err.shortProductId } : {}),
      ...(err.shortVariantId ? { [SHORT_VARIANT_KEY]: err.shortVariantId } : {}),
    });
  if (err instanceof StockReservationStateError)
    return reply(status.FAILED_PRECONDITION, "RESERVATION_STATE", err.message, {
      [ORDER_KEY]: err.orderId,
      [VENDOR_KEY]: err.vendorId,
      [STATUS_KEY]: err.status ?? "",
    });
  if (err instanceof IdempotencyKeyReusedError)
    return reply(status.ALREADY_EXISTS, "IDEMPOTENCY_KEY_REUSED", err.message);
  if (isVendorMoving(err)) {
    const vendorId = err instanceof VendorMovingError ? err.vendorId : "";
    return reply(
      status.ABORTED,
      "VENDOR_MOVING",
      "vendor is being moved between shards; try again",
      {
        [VENDOR_KEY]: vendorId,
      },
    );
  }
  if (err instanceof RangeError || (err instanceof Error && err.name === "ZodError"))
    return reply(status.INVALID_ARGUMENT, "INVALID_REQUEST", err.message);
  if (isRetryable(err))
    return reply(status.UNAVAILABLE, "UNAVAILABLE", "a database is unavailable; retry");
  return reply(status.INTERNAL, "INTERNAL", "internal error");
}

const str = (md: Metadata | undefined, key: string): string | undefined => {
  const v = md?.get(key)[0];
  return typeof v === "string" && v !== "" ? v : undefined;
};

/** The typed error for a failed call (`method` names it in messages). */
export function fromStatus(method: string, err: ServiceError): Error {
  const md = err.metadata as Metadata | undefined;
  const reason = str(md, REASON_KEY) as InventoryReason | undefined;
  if (reason === "OUT_OF_STOCK")
    return new OutOfStockError(
      str(md, ORDER_KEY) ?? "",
      str(md, VENDOR_KEY) ?? "",
      str(md, SHORT_PRODUCT_KEY),
      str(md, SHORT_VARIANT_KEY),
    );
  if (reason === "RESERVATION_STATE")
    return new StockReservationStateError(
      str(md, ORDER_KEY) ?? "",
      str(md, VENDOR_KEY) ?? "",
      method.toLowerCase(),
      str(md, STATUS_KEY) ?? null,
    );
  if (reason === "IDEMPOTENCY_KEY_REUSED") return new IdempotencyKeyReusedError(err.details);
  if (reason === "VENDOR_MOVING")
    return new VendorMovingError(str(md, VENDOR_KEY) ?? "", { cause: err });
  const retryable =
    err.code === status.UNAVAILABLE ||
    err.code === status.DEADLINE_EXCEEDED ||
    err.code === status.RESOURCE_EXHAUSTED ||
    err.code === status.CANCELLED;
  return new InventoryCallError(
    method,
    err.code,
    reason ?? (retryable ? "UNAVAILABLE" : "INTERNAL"),
    retryable,
    `${status[err.code] ?? err.code}: ${err.details}`,
  );
}
