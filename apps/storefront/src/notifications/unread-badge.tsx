"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";

/**
 * Header link to the inbox with the unread count. Render it for signed-in users only; it polls
 * gently (the count is a cheap indexed query) and hides the number when it cannot be loaded.
 */
export function UnreadBadge({ href = "/account/notifications" }: { href?: string }) {
  const trpc = useTRPC();
  const count = useQuery(
    trpc.notifications.unreadCount.queryOptions(undefined, {
      refetchInterval: 30_000,
      refetchOnWindowFocus: true,
      retry: false,
    }),
  );
  const unread = count.data?.unread ?? 0;
  const label = unread > 0 ? `Notifications, ${unread} unread` : "Notifications";
  return (
    <a
      href={href}
      aria-label={label}
      title={label}
      className="relative inline-flex h-10 w-10 items-center justify-center rounded-full text-zinc-700 hover:bg-zinc-100 dark:text-zinc-200 dark:hover:bg-zinc-800"
    >
      <svg
        aria-hidden="true"
        viewBox="0 0 24 24"
        className="h-5 w-5"
        fill="none"
        stroke="currentColor"
        strokeWidth="2"
      >
        <path
          d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {unread > 0 ? (
        <span
          data-testid="unread-count"
          className="absolute -right-0.5 -top-0.5 min-w-5 rounded-full bg-rose-600 px-1.5 text-center text-xs font-semibold leading-5 text-white"
        >
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </a>
  );
}
