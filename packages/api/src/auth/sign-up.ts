/**
 * `auth.signUp`: a new shopper account. The password is stored as the same scrypt hash the
 * sign-in (packages/auth → verifyPassword) checks; the user and its shopper role commit together.
 */
import { core, hashPassword } from "@agora/db";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import type { signUpInput } from "./sign-up.schema.ts";

export class EmailTakenError extends Error {
  readonly code = "EMAIL_TAKEN";
  constructor() {
    super("an account with this email already exists");
    this.name = "EmailTakenError";
  }
}

export async function signUp(
  input: z.output<typeof signUpInput>,
): Promise<{ userId: string; email: string; name: string }> {
  const passwordHash = await hashPassword(input.password);
  const userId = await core().primary.$transaction(async (tx) => {
    // ON CONFLICT instead of catching a unique violation: two racing sign-ups get one account.
    const rows = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO users (email, name, password_hash)
      VALUES (${input.email}, ${input.name}, ${passwordHash})
      ON CONFLICT (email) DO NOTHING
      RETURNING id::text`;
    const id = rows[0]?.id;
    if (!id) return null;
    await tx.userRole.create({ data: { userId: id, roleName: "shopper" } });
    return id;
  });
  if (!userId) {
    const cause = new EmailTakenError();
    throw new TRPCError({ code: "CONFLICT", message: cause.message, cause });
  }
  return { userId, email: input.email, name: input.name };
}
