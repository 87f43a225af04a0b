/**
 * The handlers of `agora.inventory.v1.Inventory`: validate the request, answer from the
 * idempotency ledger or run the stock operation on the vendor's shard (reserve-stock.ts, which
 * keeps the vendor-move fence retries), and report the outcome as a gRPC status. Each call is a
 * SERVER span continuing the caller's trace (`traceparent` metadata) and is counted and timed.
 */
import {
  status,
  type Metadata,
  type ServerUnaryCall,
  type sendUnaryData,
  type UntypedServiceImplementation,
} from "@grpc/grpc-js";
import { z } from "zod";
import {
  INVENTORY_SERVICE,
  OutOfStockError,
  toStatus,
  type InventoryMethod,
  type ReservationMessage,
} from "@agora/inventory";
import {
  counter,
  createLogger,
  histogram,
  inSpan,
  parseTraceparent,
  SpanKind,
} from "@agora/telemetry";
import {
  commitStock,
  releaseStock,
  reserveStock,
  type StockReservation,
} from "../stock/reserve-stock.ts";
import { once, requestHash } from "./request-ledger.ts";

const log = createLogger({ service: "inventory" });

const rpcDuration = histogram({
  name: "inventory_rpc_duration_seconds",
  help: "Inventory gRPC calls served by this instance: duration by method and status code",
  labelNames: ["method", "code"] as const,
});
const rpcTotal = counter({
  name: "inventory_rpc_requests_total",
  help: "Inventory gRPC calls served by this instance, by method and status code",
  labelNames: ["method", "code"] as const,
});

const id = z.uuid();
const key = z.string().min(1).max(200);
const settleSchema = z.object({ idempotencyKey: key, orderId: id, vendorId: id });
const reserveSchema = settleSchema.extend({
  lines: z
    .array(
      z.object({
        productId: id,
        variantId: z.union([id, z.literal("")]),
        quantity: z.number().int().positive(),
      }),
    )
    .min(1),
  totalCents: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
});

function toMessage(r: StockReservation): ReservationMessage {
  return {
    orderId: r.orderId,
    vendorId: r.vendorId,
    status: r.status,
    allocations: r.allocations.map((a) => ({
      productId: a.productId,
      variantId: a.variantId ?? "",
      warehouseId: a.warehouseId,
      quantity: a.quantity,
    })),
    replayed: r.replayed,
    shortProductId: r.shortProductId ?? "",
    shortVariantId: r.shortVariantId ?? "",
  };
}

/** Reserve as the service runs it (validation, idempotency ledger, shard); exported for the latency bench. */
export async function reserveOnce(raw: unknown): Promise<ReservationMessage> {
  const { idempotencyKey, ...req } = reserveSchema.parse(raw);
  const answer = await once("inventory:reserve", idempotencyKey, requestHash(req), async () =>
    toMessage(
      await reserveStock({
        orderId: req.orderId,
        vendorId: req.vendorId,
        lines: req.lines.map((l) => ({
          productId: l.productId,
          ...(l.variantId ? { variantId: l.variantId } : {}),
          quantity: l.quantity,
        })),
        totalCents: req.totalCents,
        currency: req.currency,
      }),
    ),
  );
  if (answer.status === "OUT_OF_STOCK")
    throw new OutOfStockError(
      answer.orderId,
      answer.vendorId,
      answer.shortProductId || undefined,
      answer.shortVariantId || undefined,
    );
  return answer;
}

function settle(
  action: "commit" | "release",
  operation: (orderId: string, vendorId: string) => Promise<StockReservation>,
) {
  return async (raw: unknown): Promise<ReservationMessage> => {
    const { idempotencyKey, ...req } = settleSchema.parse(raw);
    return once(`inventory:${action}`, idempotencyKey, requestHash(req), async () =>
      toMessage(await operation(req.orderId, req.vendorId)),
    );
  };
}

const OPERATIONS: Record<InventoryMethod, (raw: unknown) => Promise<ReservationMessage>> = {
  Reserve: reserveOnce,
  Commit: settle("commit", commitStock),
  Release: settle("release", releaseStock),
};

function traceparentOf(md: Metadata): string | undefined {
  const v = md.get("traceparent")[0];
  return typeof v === "string" ? v : undefined;
}

function unary(method: InventoryMethod) {
  const operation = OPERATIONS[method];
  return (
    call: ServerUnaryCall<unknown, ReservationMessage>,
    callback: sendUnaryData<ReservationMessage>,
  ) => {
    const stop = rpcDuration.startTimer({ method });
    const done = (code: status) => {
      const name = status[code] ?? String(code);
      stop({ code: name });
      rpcTotal.inc({ method, code: name });
    };
    void inSpan(
      `${INVENTORY_SERVICE}/${method}`,
      {
        kind: SpanKind.SERVER,
        parent: parseTraceparent(traceparentOf(call.metadata)),
        attributes: {
          "rpc.system": "grpc",
          "rpc.service": INVENTORY_SERVICE,
          "rpc.method": method,
        },
      },
      async (span) => {
        try {
          const reply = await operation(call.request);
          span.setAttribute("rpc.grpc.status_code", status.OK);
          span.setAttribute("agora.replayed", reply.replayed);
          done(status.OK);
          callback(null, reply);
        } catch (err) {
          const s = toStatus(err);
          span.setAttribute("rpc.grpc.status_code", s.code);
          done(s.code);
          if (s.code === status.INTERNAL || s.code === status.UNAVAILABLE)
            log.error(
              { method, err: err instanceof Error ? err.message : String(err) },
              "inventory call failed",
            );
          callback(s);
        }
      },
    );
  };
}

export const inventoryHandlers: UntypedServiceImplementation = {
  Reserve: unary("Reserve"),
  Commit: unary("Commit"),
  Release: unary("Release"),
};
