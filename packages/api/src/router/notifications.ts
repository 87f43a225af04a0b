import { inbox, markRead, unreadCount } from "../notifications/inbox.ts";
import { inboxInput, markReadInput } from "../notifications/inbox.schema.ts";
import { createTRPCRouter, permissionProcedure } from "../trpc.ts";

/** The signed-in user's in-app inbox; rows are always the session user's own. */
export const notificationsRouter = createTRPCRouter({
  /** Newest first, keyset-paginated; includes the unread count for the header badge. */
  inbox: permissionProcedure("notifications:read")
    .input(inboxInput)
    .query(({ ctx, input }) => inbox(ctx.session.userId, input)),
  /** Marks some of the caller's notifications read; returns how many changed and what is left. */
  markRead: permissionProcedure("notifications:read")
    .input(markReadInput)
    .mutation(({ ctx, input }) => markRead(ctx.session.userId, input)),
  unreadCount: permissionProcedure("notifications:read").query(({ ctx }) =>
    unreadCount(ctx.session.userId),
  ),
});
