/**
 * The Socket.IO protocol of the live gateway, shared by the gateway (apps/workers realtime) and
 * the browser client (storefront live-socket): room names, what a client may send, what the
 * server pushes. Browser-safe: no server dependencies. Rooms are one per product (`product:<id>`, anyone) and one per order
 * (`order:<id>`, only the order's owner).
 */
import { z } from "zod";

export type Room =
  { kind: "product"; id: string; name: string } | { kind: "order"; id: string; name: string };

export const roomRequestSchema = z.object({ room: z.string().max(64) });

/** The room a client asked for, or null when the name is not one of ours. */
export function parseRoom(name: string): Room | null {
  const m = /^(product|order):(.+)$/.exec(name);
  if (!m) return null;
  const id = z.uuid().safeParse(m[2]);
  if (!id.success) return null;
  return { kind: m[1] as Room["kind"], id: id.data, name: `${m[1]}:${id.data}` };
}

export const productRoom = (productId: string) => `product:${productId}`;
export const orderRoom = (orderId: string) => `order:${orderId}`;

/** Pushed to `product:<id>` on every StockChanged, and to a client when it (re)subscribes. */
export interface StockPush {
  productId: string;
  /** Over all the product's rows (its own and every variant's). */
  available: number;
  /** Per variant with stock rows; a variant not listed has none available. */
  variants: { variantId: string; available: number }[];
}

/**
 * Pushed to `order:<id>` on every appended order event, and to a client right after it (re)joined
 * the room as `type: "Snapshot"` with the order's current version and status.
 */
export interface OrderPush {
  orderId: string;
  version: number;
  type: string;
  status: string;
  at: string;
}

/** The acknowledgement of `subscribe` / `unsubscribe`. */
export type SubscribeAck =
  { ok: true } | { ok: false; error: "bad_room" | "unauthorized" | "forbidden" | "unavailable" };

export { ORDER_RESYNC_MS, versionToRead } from "./order-follow.ts";
