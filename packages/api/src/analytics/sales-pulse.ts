/**
 * Live sales: the analytics worker publishes a pulse on Redis pub/sub after each sale event it
 * counted into the rollups (one per vendor of the order, and one for the platform); the vendor
 * portal and the ops console relay them to open pages as Server-Sent Events. Pub/sub delivers at
 * most once: a pulse only tells a page to re-read its figures from the rollups (the truth), so a
 * lost pulse delays a refresh, it never leaves a wrong number (pages also re-read on reconnect).
 */
import { createRedis } from "@agora/redis";
import type { Redis } from "ioredis";
import { z } from "zod";

/** The platform-wide channel; a vendor's is `analytics:sales:<vendorId>`. */
export const PLATFORM_SALES_CHANNEL = "analytics:sales";
export const vendorSalesChannel = (vendorId: string) => `${PLATFORM_SALES_CHANNEL}:${vendorId}`;

export const salesPulseSchema = z.object({
  /** null on the platform channel. */
  vendorId: z.uuid().nullable(),
  at: z.iso.datetime(),
  revenueCents: z.number().int(),
  refundCents: z.number().int(),
  units: z.number().int(),
  orders: z.number().int(),
});
export type SalesPulse = z.infer<typeof salesPulseSchema>;

/** What one counted sale event changed (the worker's rollup deltas have these fields). */
export interface SaleDelta {
  vendorId: string;
  revenueCents: number;
  refundCents: number;
  units: number;
  orders: number;
}

/** One pulse per vendor the deltas touched, plus the platform's sum; none for an empty list. */
export function salesPulses(deltas: readonly SaleDelta[], at = new Date()): SalesPulse[] {
  if (deltas.length === 0) return [];
  const byVendor = new Map<string | null, SalesPulse>();
  const add = (vendorId: string | null, d: SaleDelta) => {
    const p = byVendor.get(vendorId) ?? {
      vendorId,
      at: at.toISOString(),
      revenueCents: 0,
      refundCents: 0,
      units: 0,
      orders: 0,
    };
    p.revenueCents += d.revenueCents;
    p.refundCents += d.refundCents;
    p.units += d.units;
    p.orders += d.orders;
    byVendor.set(vendorId, p);
  };
  for (const d of deltas) {
    add(d.vendorId, d);
    add(null, d);
  }
  return [...byVendor.values()];
}

/** Publishes the pulses; best effort (see above), so a Redis hiccup is reported, not thrown. */
export async function publishSalesPulses(
  redis: Redis,
  deltas: readonly SaleDelta[],
): Promise<number> {
  let sent = 0;
  for (const p of salesPulses(deltas)) {
    const channel = p.vendorId ? vendorSalesChannel(p.vendorId) : PLATFORM_SALES_CHANNEL;
    sent += await redis.publish(channel, JSON.stringify(p));
  }
  return sent;
}

// ---- subscribing: one Redis connection per process, fanned out to every open page -------------

type Listener = (pulse: SalesPulse) => void;
let subscriber: Redis | undefined;
const listeners = new Map<string, Set<Listener>>();

function subscriberConnection(): Redis {
  if (subscriber) return subscriber;
  const s = createRedis({ connectionName: "sales-pulse:subscriber" });
  s.on("message", (channel: string, message: string) => {
    const parsed = salesPulseSchema.safeParse(JSON.parse(message));
    if (!parsed.success) return;
    for (const l of listeners.get(channel) ?? []) l(parsed.data);
  });
  subscriber = s;
  return s;
}

/** Calls `listener` with every pulse of `channel` until the returned function is called. */
export function onSalesPulse(channel: string, listener: Listener): () => void {
  const set = listeners.get(channel) ?? new Set<Listener>();
  const first = set.size === 0;
  set.add(listener);
  listeners.set(channel, set);
  // ioredis re-subscribes by itself after a reconnect (Sentinel failover included).
  if (first)
    void subscriberConnection()
      .subscribe(channel)
      .catch(() => undefined);
  return () => {
    set.delete(listener);
    if (set.size === 0) {
      listeners.delete(channel);
      void subscriber?.unsubscribe(channel).catch(() => undefined);
    }
  };
}

/** Closes the process's subscriber connection (tests, shutdown). */
export function closeSalesPulseSubscriber(): void {
  subscriber?.disconnect();
  subscriber = undefined;
  listeners.clear();
}

const HEARTBEAT_MS = 20_000;

/**
 * A Server-Sent Events response relaying `channel`'s pulses until the client goes away: a
 * `ready` event first (the page re-reads, covering what happened while it was not connected),
 * then one `pulse` event per pulse, and a comment every 20 s so proxies keep the stream open.
 */
export function salesPulseStream(channel: string, signal: AbortSignal): Response {
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          stop(); // the stream closed under us: the client left
        }
      };
      const off = onSalesPulse(channel, (p) =>
        send(`event: pulse\ndata: ${JSON.stringify(p)}\n\n`),
      );
      const beat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      stop = () => {
        off();
        clearInterval(beat);
      };
      signal.addEventListener("abort", () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      });
      send("retry: 3000\nevent: ready\ndata: {}\n\n");
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
