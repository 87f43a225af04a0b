/** Accounts for the fuzz suite and the session cookies their app's next-auth sign-in would set. */
import { appAuthConfig } from "@agora/api/app-auth";
import {
  type AuthApp,
  authOptions,
  type Role,
  sessionCookieName,
  verifyCredentials,
} from "@agora/auth";
import { core, hashPassword } from "@agora/db";
import { encode } from "next-auth/jwt";

const PASSWORD = "fuzz suite passphrase";

export async function signedInCookie(
  app: AuthApp,
  email: string,
  role: Role,
  vendorId: string | null,
): Promise<string> {
  const { id } = await core().primary.user.create({
    data: { email, name: `Fuzz ${role}`, passwordHash: await hashPassword(PASSWORD) },
  });
  await core().primary.userRole.create({ data: { userId: id, roleName: role, vendorId } });
  const config = appAuthConfig(app)();
  const user = await verifyCredentials({ email, password: PASSWORD });
  if (!user) throw new Error(`sign-in of ${email} failed`);
  const token = await authOptions(config).callbacks!.jwt!({ token: {}, user, account: null });
  return `${sessionCookieName(app, false)}=${await encode({ token, secret: config.secret })}`;
}
