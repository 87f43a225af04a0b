import { deleteAccount } from "../privacy/delete-account.ts";
import { listPrivacyRequests } from "../privacy/privacy-requests.ts";
import { deleteAccountInput } from "../privacy/privacy.schema.ts";
import { requestExport } from "../privacy/request-export.ts";
import { createTRPCRouter, permissionProcedure } from "../trpc.ts";

/** A shopper's own data: export it, erase the account, follow both. */
export const privacyRouter = createTRPCRouter({
  /** The caller's export and erasure requests with their progress, newest first. */
  requests: permissionProcedure("account:privacy").query(({ ctx }) => listPrivacyRequests(ctx.session.userId)),
  /** Starts a data export (or returns the one still running); the file appears in `requests`. */
  requestExport: permissionProcedure("account:privacy").mutation(({ ctx }) => requestExport(ctx.session.userId)),
  /** Erases the account after the password check; sessions end at once, the rest follows. */
  deleteAccount: permissionProcedure("account:privacy")
    .input(deleteAccountInput)
    .mutation(({ ctx, input }) => deleteAccount(ctx.session.userId, input)),
});
