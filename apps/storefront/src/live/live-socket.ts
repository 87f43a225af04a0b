"use client";

/**
 * One Socket.IO connection per tab to the live gateway, reached through the storefront's own
 * origin at `/socket.io/` (HAProxy routes it to a gateway instance; the session cookie comes
 * along, which is what lets the gateway check order ownership). Websocket transport only.
 *
 * Rooms are reference-counted: several components may watch one product. On every (re)connect
 * each watched room is subscribed again, and the gateway answers a product subscription with the
 * current stock, so a tab that was offline re-syncs instead of showing a stale number.
 */
import type { SubscribeAck } from "@agora/api/live";
import { io, type Socket } from "socket.io-client";

export type { OrderPush, StockPush, SubscribeAck } from "@agora/api/live";

let socket: Socket | undefined;
const rooms = new Map<string, number>();
const ackListeners = new Map<string, Set<(ack: SubscribeAck) => void>>();

function subscribe(s: Socket, room: string): void {
  s.emit("subscribe", { room }, (ack: SubscribeAck) => {
    for (const l of ackListeners.get(room) ?? []) l(ack);
  });
}

export function liveSocket(): Socket {
  if (socket) return socket;
  socket = io({ path: "/socket.io/", transports: ["websocket"], reconnectionDelayMax: 5_000 });
  const s = socket;
  s.on("connect", () => {
    for (const room of rooms.keys()) subscribe(s, room);
  });
  return s;
}

/** Watches `room` until the returned function is called. */
export function watchRoom(room: string, onAck?: (ack: SubscribeAck) => void): () => void {
  const s = liveSocket();
  if (onAck) {
    const set = ackListeners.get(room) ?? new Set();
    set.add(onAck);
    ackListeners.set(room, set);
  }
  const n = rooms.get(room) ?? 0;
  rooms.set(room, n + 1);
  if (n === 0 && s.connected) subscribe(s, room);
  return () => {
    if (onAck) ackListeners.get(room)?.delete(onAck);
    const left = (rooms.get(room) ?? 1) - 1;
    if (left > 0) {
      rooms.set(room, left);
      return;
    }
    rooms.delete(room);
    if (s.connected) s.emit("unsubscribe", { room });
  };
}

/**
 * Asks the gateway for a room's current state again (it answers a repeated subscribe with a
 * snapshot, and joining a room twice is a no-op): the backstop for pushes lost on the way, since
 * the Redis adapter's pub/sub between gateway instances is at most once.
 */
export function resyncRoom(room: string): void {
  const s = liveSocket();
  if (s.connected && rooms.has(room)) subscribe(s, room);
}
