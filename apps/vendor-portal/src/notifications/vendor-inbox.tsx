"use client";

import type { RouterOutputs } from "@agora/api";
import { useTRPC } from "@agora/trpc-next/react";
import { Badge, EmptyState } from "@agora/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

type Item = RouterOutputs["notifications"]["inbox"]["items"][number];

/** The signed-in user's in-app notices (new orders, low stock, payouts), newest first. */
export function VendorInbox() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const inbox = useQuery({
    ...trpc.notifications.inbox.queryOptions({ limit: 50 }),
    refetchInterval: 15_000,
  });
  const markRead = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.notifications.pathKey() }),
    }),
  );
  if (inbox.isPending) return <p className="text-sm text-zinc-500">Loading notices…</p>;
  if (inbox.isError)
    return (
      <EmptyState tone="error" title="Notices unavailable" description={inbox.error.message} />
    );
  const unreadIds = inbox.data.items.filter((i) => !i.readAt).map((i) => i.id);
  if (inbox.data.items.length === 0)
    return (
      <EmptyState
        title="No notices yet"
        description="New orders, low stock and payouts show up here."
      />
    );
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3 text-sm">
        <Badge tone={inbox.data.unread > 0 ? "brand" : "neutral"}>{inbox.data.unread} unread</Badge>
        {unreadIds.length > 0 ? (
          <button
            type="button"
            className="underline"
            disabled={markRead.isPending}
            onClick={() => markRead.mutate({ ids: unreadIds })}
          >
            Mark all read
          </button>
        ) : null}
      </div>
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" data-testid="vendor-inbox">
        {inbox.data.items.map((item: Item) => (
          <li key={item.id} className={`py-3 ${item.readAt ? "opacity-70" : ""}`}>
            <div className="flex items-baseline justify-between gap-3">
              <a href={item.link ?? "#"} className="font-medium hover:underline">
                {item.title}
              </a>
              <time className="shrink-0 text-xs text-zinc-500">
                {item.createdAt.toISOString().replace("T", " ").slice(0, 16)}
              </time>
            </div>
            <p className="text-sm text-zinc-600 dark:text-zinc-300">{item.body}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
