"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Badge, EmptyState, cx } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";

const PAGE = 20;

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** The inbox: newest first, unread rows highlighted, mark one or all read, load more. */
export function InboxList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const inbox = useInfiniteQuery(
    trpc.notifications.inbox.infiniteQueryOptions(
      { limit: PAGE },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const markRead = useMutation(
    trpc.notifications.markRead.mutationOptions({
      onSuccess: async () => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.notifications.inbox.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.notifications.unreadCount.pathKey() }),
        ]);
      },
    }),
  );

  if (inbox.isPending) return <p className="text-sm text-zinc-500">Loading your notifications…</p>;
  if (inbox.isError)
    return (
      <EmptyState
        tone="error"
        title="Notifications are unavailable right now"
        description="Please try again in a moment."
      />
    );
  const items = inbox.data.pages.flatMap((p) => p.items);
  const unread = inbox.data.pages[0]?.unread ?? 0;
  const unreadIds = items.filter((i) => i.readAt === null).map((i) => i.id);
  if (items.length === 0)
    return (
      <EmptyState
        title="No notifications yet"
        description="Order confirmations, shipping and delivery updates will appear here."
      />
    );

  return (
    <section aria-labelledby="inbox-title" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="inbox-title" className="text-lg font-semibold">
          {unread > 0 ? `${unread} unread` : "All caught up"}
        </h2>
        <button
          type="button"
          disabled={unreadIds.length === 0 || markRead.isPending}
          onClick={() => markRead.mutate({ ids: unreadIds.slice(0, 100) })}
          className="min-h-10 rounded-lg border border-zinc-300 px-4 text-sm font-medium disabled:opacity-50 dark:border-zinc-700"
        >
          Mark all read
        </button>
      </div>
      <ul className="divide-y divide-zinc-200 overflow-hidden rounded-xl border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
        {items.map((n) => {
          const isUnread = n.readAt === null;
          return (
            <li
              key={n.id}
              data-unread={isUnread}
              className={cx(
                "flex flex-col gap-2 p-4 sm:flex-row sm:items-start",
                isUnread && "bg-brand-50/60 dark:bg-zinc-800/60",
              )}
            >
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-center gap-2">
                  {isUnread ? <Badge tone="brand">New</Badge> : null}
                  <span className={cx("break-words", isUnread ? "font-semibold" : "font-medium")}>
                    {n.title}
                  </span>
                </p>
                <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{n.body}</p>
                <p className="mt-1 text-xs text-zinc-500">
                  <time dateTime={n.createdAt.toISOString()}>{dateFormat.format(n.createdAt)}</time>
                  {n.link ? (
                    <>
                      {" · "}
                      <a href={n.link} className="underline underline-offset-2">
                        View order
                      </a>
                    </>
                  ) : null}
                </p>
              </div>
              {isUnread ? (
                <button
                  type="button"
                  disabled={markRead.isPending}
                  onClick={() => markRead.mutate({ ids: [n.id] })}
                  className="min-h-10 self-start rounded-lg px-3 text-sm font-medium text-brand-700 hover:bg-brand-50 disabled:opacity-50 dark:text-brand-500 dark:hover:bg-zinc-800"
                >
                  Mark read
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
      {inbox.hasNextPage ? (
        <button
          type="button"
          disabled={inbox.isFetchingNextPage}
          onClick={() => void inbox.fetchNextPage()}
          className="min-h-10 w-full rounded-lg border border-zinc-300 text-sm font-medium disabled:opacity-50 dark:border-zinc-700"
        >
          {inbox.isFetchingNextPage ? "Loading…" : "Show older"}
        </button>
      ) : null}
    </section>
  );
}
