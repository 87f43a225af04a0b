/**
 * How the checkout saga reaches stock: through the inventory gRPC service (the default, one
 * channel per process, balanced over its instances) or in-process on the shards (benchmarks and
 * tools that compare the two). Both keep the same contract: idempotent per (order, vendor), an
 * out-of-stock line is a reservation with status OUT_OF_STOCK, not an error.
 */
import { inventoryClientSchema, loadConfig } from "@agora/config";
import { serviceTlsFiles } from "@agora/config/service-tls";
import {
  createInventoryClient,
  OutOfStockError,
  type InventoryClient,
  type ReservationMessage,
} from "@agora/inventory";
import {
  commitStock,
  releaseStock,
  reserveStock,
  type ReserveStockInput,
  type StockReservation,
} from "./reserve-stock.ts";

export interface StockService {
  reserve(input: ReserveStockInput): Promise<StockReservation>;
  commit(orderId: string, vendorId: string): Promise<StockReservation>;
  release(orderId: string, vendorId: string): Promise<StockReservation>;
}

export const inProcessStock: StockService = {
  reserve: reserveStock,
  commit: commitStock,
  release: releaseStock,
};

/** Stable per order, vendor and step, so every retry of a step is the same request. */
export const inventoryKey = (
  orderId: string,
  vendorId: string,
  step: "reserve" | "commit" | "release",
) => `${orderId}:${vendorId}:${step}`;

function fromMessage(m: ReservationMessage): StockReservation {
  return {
    orderId: m.orderId,
    vendorId: m.vendorId,
    status: m.status,
    allocations: m.allocations.map((a) => ({
      productId: a.productId,
      ...(a.variantId ? { variantId: a.variantId } : {}),
      warehouseId: a.warehouseId,
      quantity: a.quantity,
    })),
    replayed: m.replayed,
  };
}

export function grpcStock(client: InventoryClient): StockService {
  return {
    async reserve(input) {
      try {
        return fromMessage(
          await client.reserve({
            idempotencyKey: inventoryKey(input.orderId, input.vendorId, "reserve"),
            orderId: input.orderId,
            vendorId: input.vendorId,
            lines: input.lines.map((l) => ({
              productId: l.productId,
              variantId: l.variantId ?? "",
              quantity: l.quantity,
            })),
            totalCents: input.totalCents,
            currency: input.currency ?? "EUR",
          }),
        );
      } catch (err) {
        if (!(err instanceof OutOfStockError)) throw err;
        return {
          orderId: input.orderId,
          vendorId: input.vendorId,
          status: "OUT_OF_STOCK",
          allocations: [],
          ...(err.shortProductId ? { shortProductId: err.shortProductId } : {}),
          ...(err.shortVariantId ? { shortVariantId: err.shortVariantId } : {}),
          replayed: false,
        };
      }
    },
    commit: async (orderId, vendorId) =>
      fromMessage(
        await client.commit({
          idempotencyKey: inventoryKey(orderId, vendorId, "commit"),
          orderId,
          vendorId,
        }),
      ),
    release: async (orderId, vendorId) =>
      fromMessage(
        await client.release({
          idempotencyKey: inventoryKey(orderId, vendorId, "release"),
          orderId,
          vendorId,
        }),
      ),
  };
}

let shared: { client: InventoryClient; service: StockService } | undefined;

/** The process's inventory client, from AGORA_INVENTORY_TARGET (created on first use). */
export function inventoryStock(): StockService {
  if (!shared) {
    const env = loadConfig(inventoryClientSchema);
    const client = createInventoryClient({
      target: env.AGORA_INVENTORY_TARGET,
      deadlineMs: env.AGORA_INVENTORY_DEADLINE_MS,
      tls: serviceTlsFiles(),
    });
    shared = { client, service: grpcStock(client) };
  }
  return shared.service;
}

/** Closes the shared channel (process shutdown, test teardown). */
export function closeInventoryStock(): void {
  shared?.client.close();
  shared = undefined;
}
