"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { formatPrice } from "@agora/ui";

interface Pulse {
  at: string;
  revenueCents: number;
  refundCents: number;
  orders: number;
}

/** At most one re-render of the dashboard per this many ms, however fast sales arrive. */
const REFRESH_EVERY_MS = 2_000;

/**
 * Keeps the sales dashboard live: the portal relays the vendor's sales as they are counted
 * (Server-Sent Events from /api/live/sales) and the dashboard is re-rendered from the rollups
 * after each (throttled), also after a reconnect. Shows the latest sale and the connection state.
 */
export function LiveSales() {
  const router = useRouter();
  const [state, setState] = useState<"connecting" | "live" | "reconnecting">("connecting");
  const [last, setLast] = useState<Pulse | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    const refresh = () => {
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        router.refresh();
      }, REFRESH_EVERY_MS);
    };
    const source = new EventSource("/api/live/sales");
    let connectedBefore = false;
    source.addEventListener("ready", () => {
      setState("live");
      // Anything counted while we were away is in the rollups: read them again.
      if (connectedBefore) refresh();
      connectedBefore = true;
    });
    source.addEventListener("pulse", (e) => {
      setLast(JSON.parse((e as MessageEvent<string>).data) as Pulse);
      refresh();
    });
    source.onerror = () => setState("reconnecting");
    return () => {
      source.close();
      if (pending.current) clearTimeout(pending.current);
    };
  }, [router]);

  return (
    <p
      role="status"
      aria-live="polite"
      className="flex flex-wrap items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400"
    >
      <span
        aria-hidden
        className={`inline-block h-2 w-2 rounded-full ${state === "live" ? "bg-emerald-500" : "bg-amber-500"}`}
      />
      <span>
        {state === "live" ? "Live" : state === "connecting" ? "Connecting…" : "Reconnecting…"}
      </span>
      {last && (
        <span data-testid="last-sale">
          · latest: {last.orders > 0 ? `${last.orders} order, ` : ""}
          {formatPrice(last.revenueCents - last.refundCents)} at{" "}
          {new Date(last.at).toLocaleTimeString()}
        </span>
      )}
    </p>
  );
}
