/**
 * The caller's notifications. Every query filters on the session's user id (never an input), so
 * one user's rows are invisible to every other.
 */
import { core } from "@agora/db";
import { decodeInboxCursor, encodeInboxCursor } from "./inbox-cursor.ts";
import type { InboxInput, InboxItem, InboxPage, MarkReadInput } from "./inbox.schema.ts";

const ITEM_SELECT = {
  id: true,
  kind: true,
  title: true,
  body: true,
  orderId: true,
  link: true,
  readAt: true,
  createdAt: true,
} as const;

export async function inbox(userId: string, input: InboxInput): Promise<InboxPage> {
  const limit = input?.limit ?? 20;
  const after = input?.cursor ? decodeInboxCursor(input.cursor) : undefined;
  // Primary: the page right after "mark read" must show what the user just did.
  const { value } = await core().read({ level: "strong" }, async (db) => {
    const rows: InboxItem[] = await db.notification.findMany({
      where: {
        userId,
        ...(after
          ? {
              OR: [{ createdAt: { lt: after.at } }, { createdAt: after.at, id: { lt: after.id } }],
            }
          : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit + 1,
      select: ITEM_SELECT,
    });
    const unread = await db.notification.count({ where: { userId, readAt: null } });
    return { rows, unread };
  });
  const items = value.rows.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    nextCursor:
      value.rows.length > limit && last
        ? encodeInboxCursor({ at: last.createdAt, id: last.id })
        : null,
    unread: value.unread,
  };
}

/** Marks the caller's own rows read; ids of other users' rows are ignored, not revealed. */
export async function markRead(
  userId: string,
  input: MarkReadInput,
): Promise<{ updated: number; unread: number }> {
  const db = core().primary;
  const { count } = await db.notification.updateMany({
    where: { userId, id: { in: input.ids }, readAt: null },
    data: { readAt: new Date() },
  });
  const unread = await db.notification.count({ where: { userId, readAt: null } });
  return { updated: count, unread };
}

export async function unreadCount(userId: string): Promise<{ unread: number }> {
  // A badge tolerates a second of replica lag; beyond that the primary answers.
  const { value } = await core().read({ level: "bounded", maxLagMs: 1000 }, (db) =>
    db.notification.count({ where: { userId, readAt: null } }),
  );
  return { unread: value };
}
