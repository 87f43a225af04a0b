/**
 * `auth.signUp`: a new shopper account. The password is stored as the same scrypt hash the
 * sign-in (packages/auth → verifyPassword) checks; the user and its shopper role commit together.
 *
 * A new and an already registered email get the same answer (same status, same body, the same
 * scrypt work), so sign-up is not a way to test which emails have accounts. An existing account
 * is left exactly as it was. What stays observable is the step after it: the identity provider's
 * sign-up form (apps/identity interactions.ts) signs in with the password just typed, which works for a new account and fails for someone else's (that
 * failure says only "could not sign you in", like any wrong password). Closing that too needs an
 * e-mail confirmation before the first sign-in, which the product does not have; until then the
 * sign-in throttle (per address and per account, @agora/api/sign-in-throttle) and the write rate
 * limit on sign-up bound how fast anyone can probe this way.
 */
import { randomUUID } from "node:crypto";
import { core, hashPassword } from "@agora/db";
import { sealEmail, sealUserName, userKey } from "@agora/secrets";
import type { z } from "zod";
import { regionSettings } from "../regions/region-settings.ts";
import type { signUpInput } from "./sign-up.schema.ts";

export { signUpInput } from "./sign-up.schema.ts";

/** The one answer of sign-up, whether or not the email had an account. */
export interface SignUpAnswer {
  /** The address as stored (trimmed, lower-case): what to sign in with next. */
  email: string;
}

/**
 * The account's home region is the region that served the sign-up (this process's AGORA_REGION):
 * the shopper signed up where they are (data locality, docs/adr/0010).
 */
export async function signUp(
  input: z.output<typeof signUpInput>,
  homeRegion: string = regionSettings().AGORA_REGION,
): Promise<SignUpAnswer> {
  // Hashed before the insert in both cases: an existing email must not answer faster.
  const passwordHash = await hashPassword(input.password);
  // The address is stored sealed under the new user's own data key, found by its blind index.
  const userId = randomUUID();
  const sealed = await sealEmail("users", userId, input.email);
  const nameSealed = sealUserName(await userKey(userId, sealed.dataKey), userId, input.name);
  await core().primary.$transaction(async (tx) => {
    // ON CONFLICT instead of catching a unique violation: two racing sign-ups get one account,
    // and an existing account is neither changed nor reported. NOT EXISTS covers accounts whose
    // address the backfill has not sealed yet.
    const rows = await tx.$queryRaw<{ id: string }[]>`
      INSERT INTO users (id, email_index, email_sealed, data_key, name_sealed, password_hash, home_region)
      SELECT ${userId}::uuid, ${sealed.emailIndex}, ${sealed.emailSealed}, ${sealed.dataKey},
             ${nameSealed}, ${passwordHash}, ${homeRegion}
       WHERE NOT EXISTS (SELECT 1 FROM users WHERE email = ${input.email})
      ON CONFLICT (email_index) DO NOTHING
      RETURNING id::text`;
    const id = rows[0]?.id;
    if (id) await tx.userRole.create({ data: { userId: id, roleName: "shopper" } });
  });
  return { email: input.email };
}
