/**
 * The inventory service's contract as loaded from `proto/agora/inventory/v1/inventory.proto`, and
 * the TypeScript shapes of its messages (proto-loader options: camelCase fields, enums as names,
 * int64 as numbers, defaults filled in).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPackageDefinition, type ServiceDefinition } from "@grpc/grpc-js";
import { loadSync, type Options } from "@grpc/proto-loader";

export const INVENTORY_SERVICE = "agora.inventory.v1.Inventory";
export type InventoryMethod = "Reserve" | "Commit" | "Release";

export const LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
};

const PROTO_FILE = "agora/inventory/v1/inventory.proto";

/**
 * The contract file: beside the sources, or in a bundle's `dist/proto/` (scripts/bundle-node.ts
 * copies it there, since a bundle keeps no package folders).
 */
function findProto(): string {
  const candidates = [
    fileURLToPath(new URL(`../proto/${PROTO_FILE}`, import.meta.url)),
    join(dirname(process.argv[1] ?? "."), "proto", PROTO_FILE),
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`${PROTO_FILE} not found (looked in ${candidates.join(", ")})`);
  return found;
}

export const INVENTORY_PROTO = findProto();

export interface StockLineMessage {
  productId: string;
  /** "" for the product's own stock rows. */
  variantId: string;
  quantity: number;
}

export interface AllocationMessage {
  productId: string;
  variantId: string;
  warehouseId: string;
  quantity: number;
}

export interface ReserveRequest {
  idempotencyKey: string;
  orderId: string;
  vendorId: string;
  lines: StockLineMessage[];
  totalCents: number;
  currency: string;
}

export interface SettleRequest {
  idempotencyKey: string;
  orderId: string;
  vendorId: string;
}

export type ReservationStatus = "RESERVED" | "OUT_OF_STOCK" | "RELEASED" | "COMMITTED";

export interface ReservationMessage {
  orderId: string;
  vendorId: string;
  status: ReservationStatus;
  allocations: AllocationMessage[];
  replayed: boolean;
  /** OUT_OF_STOCK only: the first line that could not be covered ("" otherwise). */
  shortProductId: string;
  shortVariantId: string;
}

let definition: ServiceDefinition | undefined;

/** The service definition (loaded once per process). */
export function inventoryServiceDefinition(): ServiceDefinition {
  if (definition) return definition;
  const loaded = loadPackageDefinition(loadSync(INVENTORY_PROTO, LOADER_OPTIONS));
  // loadPackageDefinition returns nested namespaces typed loosely: walk to the service by name.
  const ns = INVENTORY_SERVICE.split(".").reduce<unknown>(
    (node, part) => (node as Record<string, unknown> | undefined)?.[part],
    loaded,
  ) as { service?: ServiceDefinition } | undefined;
  if (!ns?.service) throw new Error(`${INVENTORY_PROTO} does not define ${INVENTORY_SERVICE}`);
  definition = ns.service;
  return definition;
}
