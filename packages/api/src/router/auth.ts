import { createTRPCRouter, protectedProcedure } from "../trpc.ts";

export const authRouter = createTRPCRouter({
  /** The caller's session as the API sees it (user id, roles, tenant). */
  me: protectedProcedure.query(({ ctx }) => ctx.session),
});
