/**
 * The provider's accounts are Agora's users (core): id, e-mail, name, roles and shop, with the
 * same one-tenant-per-session rule as the apps' sessions (`toAuthenticatedUser` of @agora/auth),
 * and the session epoch the sign-in was made under (login-epochs.ts).
 */
import { toAuthenticatedUser } from "@agora/auth";
import { core } from "@agora/db";
import { openEmail, openUserName } from "@agora/secrets";
import type { Account, KoaContextWithOIDC } from "oidc-provider";
import type { LoginEpochs } from "./login-epochs.ts";

/** The token (an authorization code, an access token) a claims lookup is made for. */
interface TokenLike {
  kind?: string;
  sessionUid?: string;
}

export function accountFinder(epochs: LoginEpochs) {
  return async function findAccount(
    _ctx: KoaContextWithOIDC,
    id: string,
    token?: TokenLike,
  ): Promise<Account | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    // A code or token of a browser sign-in counts only while that sign-in is not revoked: a code
    // issued just before a sign-out elsewhere is refused (`invalid_grant`) instead of redeemed.
    const login = token?.sessionUid ? await epochs.current(token.sessionUid, id) : null;
    if (token?.sessionUid && !login) return undefined;

    const user = await core().primary.user.findUnique({
      where: { id },
      include: {
        roles: { select: { roleName: true, vendorId: true }, orderBy: { createdAt: "asc" } },
      },
    });
    if (!user || user.erasedAt) return undefined;
    const [email, name] = await Promise.all([openEmail("users", user), openUserName(user)]);
    const session = toAuthenticatedUser({
      id,
      email,
      name,
      passwordHash: "",
      grants: user.roles,
      sessionEpoch: user.sessionEpoch,
    });
    return {
      accountId: id,
      claims: () => ({
        sub: id,
        email,
        name,
        roles: session.roles,
        vendor_id: session.vendorId ?? null,
        // The epoch the sign-in was checked under; never newer than the sign-in itself, so a
        // revocation after it also ends the app session this token starts.
        session_epoch: login?.epoch ?? session.epoch,
      }),
    };
  };
}
