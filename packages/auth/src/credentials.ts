/**
 * Checks an email + password against the core database. Unknown emails and wrong passwords are
 * indistinguishable to the caller: both return null after the same work (one argon2id and one
 * scrypt verification, see `verifyPasswordEvenly`). A good password whose hash is in an older
 * scheme or weaker parameters is rehashed on the spot.
 */
import { core, dummyHashes, hashPassword, needsRehash, verifyPasswordEvenly } from "@agora/db";
import { emailIndex, openEmail, openUserName } from "@agora/secrets";
import { z } from "zod";
import { isRole, type Role } from "./roles.ts";

export const credentialsInput = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email().max(254)),
  password: z.string().min(1).max(1024),
});

export type CredentialsInput = z.infer<typeof credentialsInput>;

/** What a user lookup returns; matches the columns read from `users` + `user_roles`. */
export interface StoredUser {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  grants: { roleName: string; vendorId: string | null }[];
  /** users.session_epoch, read in the same statement as the grants (0 when the lookup has none). */
  sessionEpoch?: number;
}

export type FindUserByEmail = (email: string) => Promise<StoredUser | null>;

/** The signed-in user, as handed to next-auth's `jwt` callback. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  vendorId?: string;
  /** The session epoch the roles were read under; the JWT carries it. */
  epoch: number;
}

/**
 * Reads the primary (`strong`): a password change or a revoked role must take effect at the next
 * sign-in, not whenever the replica catches up. Users are found by the blind index of their email
 * (addresses are stored sealed); a row the backfill has not sealed yet still matches its
 * plaintext `email`.
 */
export const findUserInCore: FindUserByEmail = async (email) => {
  const index = await emailIndex(email);
  const { value } = await core().read({ level: "strong" }, (db) =>
    db.user.findFirst({
      where: { OR: [{ emailIndex: index }, { email }] },
      select: {
        id: true,
        email: true,
        emailSealed: true,
        dataKey: true,
        name: true,
        nameSealed: true,
        passwordHash: true,
        sessionEpoch: true,
        roles: { select: { roleName: true, vendorId: true }, orderBy: { createdAt: "asc" } },
      },
    }),
  );
  if (!value) return null;
  return {
    id: value.id,
    email: await openEmail("users", value),
    name: await openUserName(value),
    passwordHash: value.passwordHash,
    sessionEpoch: value.sessionEpoch,
    grants: value.roles,
  };
};

/** Replaces a user's hash, only if it is still `oldHash` (a password change in between wins). */
export type ReplacePasswordHash = (userId: string, oldHash: string, newHash: string) => Promise<void>;

export const replaceHashInCore: ReplacePasswordHash = async (userId, oldHash, newHash) => {
  await core().primary.user.updateMany({
    where: { id: userId, passwordHash: oldHash },
    data: { passwordHash: newHash },
  });
};

/** The dummy hashes unknown emails are checked against, made before the first sign-in needs them. */
export function hashForUnknownUsers(): Promise<unknown> {
  return dummyHashes();
}

export async function verifyCredentials(
  raw: unknown,
  findUser: FindUserByEmail = findUserInCore,
  replaceHash: ReplacePasswordHash = replaceHashInCore,
): Promise<AuthenticatedUser | null> {
  const input = credentialsInput.safeParse(raw);
  // Malformed input says nothing about which accounts exist, so it may fail fast.
  if (!input.success) return null;
  const { email, password } = input.data;

  const user = await findUser(email);
  const ok = await verifyPasswordEvenly(password, user?.passwordHash);
  if (!user || !ok) return null;
  if (needsRehash(user.passwordHash)) {
    // The password was just proven: the one moment an old scrypt hash can become argon2id.
    await replaceHash(user.id, user.passwordHash, await hashPassword(password)).catch((err: unknown) =>
      console.error("password rehash failed; the old hash stays valid", { userId: user.id, err }),
    );
  }
  return toAuthenticatedUser(user);
}

/**
 * Vendor-scoped grants pin the session to ONE tenant (the oldest grant's vendor); grants for
 * other vendors are left out rather than mixed into one session.
 */
export function toAuthenticatedUser(user: StoredUser): AuthenticatedUser {
  const vendorId = user.grants.find((g) => g.vendorId !== null)?.vendorId ?? undefined;
  const roles = new Set<Role>();
  for (const g of user.grants) {
    if (!isRole(g.roleName)) continue;
    if (g.vendorId !== null && g.vendorId !== vendorId) continue;
    roles.add(g.roleName);
  }
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: [...roles],
    ...(vendorId ? { vendorId } : {}),
    epoch: user.sessionEpoch ?? 0,
  };
}
