/** The provider's accounts are Agora's users (core): id, e-mail, name, roles and shop. */
import { core } from "@agora/db";
import { openEmail, openUserName } from "@agora/secrets";
import type { Account } from "oidc-provider";

export async function findAccount(id: string): Promise<Account | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const user = await core().primary.user.findUnique({
    where: { id },
    include: { roles: { select: { roleName: true, vendorId: true } } },
  });
  if (!user || user.erasedAt) return undefined;
  const [email, name] = await Promise.all([openEmail("users", user), openUserName(user)]);
  const vendorId = user.roles.find((r) => r.vendorId)?.vendorId ?? null;
  return {
    accountId: id,
    claims: () => ({
      sub: id,
      email,
      name,
      roles: user.roles.map((r) => r.roleName),
      vendor_id: vendorId,
    }),
  };
}
