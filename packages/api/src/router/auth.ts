import { signUp } from "../auth/sign-up.ts";
import { signUpInput } from "../auth/sign-up.schema.ts";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc.ts";

export const authRouter = createTRPCRouter({
  /** The caller's session as the API sees it (user id, roles, tenant). */
  me: protectedProcedure.query(({ ctx }) => ctx.session),
  /** A new shopper account (scrypt); an email already in use gets the same answer, unchanged. */
  signUp: publicProcedure.input(signUpInput).mutation(({ input }) => signUp(input)),
});
