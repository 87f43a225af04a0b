"use client";

import { useEffect, useRef, useState } from "react";
import {
  liveSocket,
  type OrderPush,
  resyncRoom,
  type StockPush,
  watchRoom,
} from "./live-socket.ts";

/** How often a product page asks for its stock again while visible (lost pushes heal by then). */
const STOCK_RESYNC_MS = 30_000;

export type LiveState = "connecting" | "live" | "offline";

/** Whether pushes are arriving right now (shown as a small "live" badge). */
export function useLiveConnection(): LiveState {
  const [state, setState] = useState<LiveState>("connecting");
  useEffect(() => {
    const s = liveSocket();
    const on = () => setState("live");
    const off = () => setState("offline");
    if (s.connected) on();
    s.on("connect", on);
    s.on("disconnect", off);
    s.io.on("reconnect_attempt", off);
    return () => {
      s.off("connect", on);
      s.off("disconnect", off);
      s.io.off("reconnect_attempt", off);
    };
  }, []);
  return state;
}

/** A product's units available in total and per variant id (a variant not listed has none). */
export interface LiveStock {
  available: number;
  variants: Readonly<Record<string, number>>;
}

function fromPush(p: StockPush): LiveStock {
  return {
    available: p.available,
    variants: Object.fromEntries((p.variants ?? []).map((v) => [v.variantId, v.available])),
  };
}

/** Units available of a product: the server-rendered value, then every push (and re-sync). */
export function useLiveStock(productId: string, initial: LiveStock): LiveStock {
  const [stock, setStock] = useState(initial);
  // The server render's numbers, compared by value: a new object with the same counts is no reset.
  const initialKey = JSON.stringify(initial);
  useEffect(() => setStock(initial), [initialKey]);
  useEffect(() => {
    const s = liveSocket();
    const onStock = (p: StockPush) => {
      if (p.productId === productId) setStock(fromPush(p));
    };
    s.on("stock", onStock);
    const room = `product:${productId}`;
    const stop = watchRoom(room);
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") resyncRoom(room);
    }, STOCK_RESYNC_MS);
    return () => {
      clearInterval(timer);
      stop();
      s.off("stock", onStock);
    };
  }, [productId]);
  return stock;
}

/**
 * Calls `onPush` on every pushed event of the order, including the snapshot the gateway sends
 * after every (re)subscribe (so whatever was pushed while this tab was not in the room is
 * announced again). `denied` is set when the gateway refused the room (not the owner, or signed
 * out).
 */
export function useLiveOrder(
  orderId: string,
  onPush: (push: OrderPush) => void,
): { denied: string | null } {
  const [denied, setDenied] = useState<string | null>(null);
  const latest = useRef(onPush);
  latest.current = onPush;
  useEffect(() => {
    const s = liveSocket();
    const onOrder = (p: OrderPush) => {
      if (p.orderId === orderId) latest.current(p);
    };
    s.on("order", onOrder);
    const stop = watchRoom(`order:${orderId}`, (ack) => setDenied(ack.ok ? null : ack.error));
    return () => {
      stop();
      s.off("order", onOrder);
    };
  }, [orderId]);
  return { denied };
}
