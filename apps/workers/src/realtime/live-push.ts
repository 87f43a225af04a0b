/**
 * Outbox messages → Socket.IO pushes. The payloads are validated (zod at the boundary) and cut to
 * the public fields: an order event's `userId`, `vendorIds` and `detail` never reach a browser.
 */
import { stockChangedSchema } from "@agora/db";
import { z } from "zod";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { type OrderPush, orderRoom, productRoom, type StockPush } from "./rooms.ts";

export const LIVE_STOCK = "live-stock";
export const LIVE_ORDERS = "live-orders";

const orderEventSchema = z.object({
  orderId: z.uuid(),
  version: z.number().int(),
  type: z.string(),
  status: z.string(),
  at: z.string(),
});

export type Push =
  | { event: "stock"; room: string; data: StockPush }
  | { event: "order"; room: string; data: OrderPush };

export class InvalidPushPayloadError extends Error {
  readonly code = "INVALID_PUSH_PAYLOAD";
  constructor(messageId: string, detail: string) {
    super(`outbox message ${messageId} has an invalid payload: ${detail}`);
    this.name = "InvalidPushPayloadError";
  }
}

export function stockPush(message: Pick<OutboxMessage, "messageId" | "payload">): Push {
  const p = stockChangedSchema.safeParse(message.payload);
  if (!p.success) throw new InvalidPushPayloadError(message.messageId, p.error.message);
  const { productId, available, variants = [] } = p.data;
  return {
    event: "stock",
    room: productRoom(productId),
    data: { productId, available, variants },
  };
}

export function orderPush(message: Pick<OutboxMessage, "messageId" | "payload">): Push {
  const p = orderEventSchema.safeParse(message.payload);
  if (!p.success) throw new InvalidPushPayloadError(message.messageId, p.error.message);
  const { orderId, version, type, status, at } = p.data;
  return { event: "order", room: orderRoom(orderId), data: { orderId, version, type, status, at } };
}
