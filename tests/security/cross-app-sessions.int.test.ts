/**
 * Sessions across the three apps, through each app's own tRPC route handler and next-auth options
 * against the real topology: an app serves only its own routers and accepts only sessions it
 * issued, and one revocation check (the per-user session epoch) holds in every app for every role
 * — a removed staff member and a signed-out operator are refused on their next request.
 */
import { randomUUID } from "node:crypto";
import { closeApiRedis } from "@agora/api/cache";
import { type AuthConfig, authOptions, sessionCookieName, verifyCredentials } from "@agora/auth";
import { closeAll, core, createVendor, hashPassword } from "@agora/db";
import NextAuth from "next-auth";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authConfig as consoleAuth } from "../../apps/ops-console/src/auth/config.ts";
import { GET as consoleApi } from "../../apps/ops-console/app/api/trpc/[trpc]/route.ts";
import { authConfig as portalAuth } from "../../apps/vendor-portal/src/auth/config.ts";
import {
  GET as portalGet,
  POST as portalPost,
} from "../../apps/vendor-portal/app/api/trpc/[trpc]/route.ts";
import { authConfig as storefrontAuth } from "../../apps/storefront/src/auth/config.ts";
import { GET as storefrontApi } from "../../apps/storefront/app/api/trpc/[trpc]/route.ts";

const run = randomUUID().slice(0, 8);
const PASSWORD = "cross-app session test";
const ORIGIN = "http://127.0.0.1:3000";
type Role = "vendor_owner" | "vendor_staff" | "operator" | "shopper";

let shopId: string;
const ids: Record<string, string> = {};

async function user(email: string, role: Role, vendorId: string | null): Promise<string> {
  const { id } = await core().primary.user.create({
    data: { email, name: role, passwordHash: await hashPassword(PASSWORD) },
  });
  await core().primary.userRole.create({ data: { userId: id, roleName: role, vendorId } });
  return id;
}

/** The session JWT next-auth's Credentials sign-in on `config`'s app would set. */
async function signIn(email: string, config: AuthConfig): Promise<string> {
  const signedIn = await verifyCredentials({ email, password: PASSWORD });
  if (!signedIn) throw new Error(`sign-in of ${email} failed`);
  const token = await authOptions(config).callbacks!.jwt!({
    token: {},
    user: signedIn,
    account: null,
  });
  return encode({ token, secret: config.secret });
}

const cookieFor = (app: AuthConfig["app"], jwt: string) =>
  `${sessionCookieName(app, false)}=${jwt}`;
const get = (handler: (req: Request) => Promise<Response>, path: string, cookie: string) =>
  handler(new Request(`${ORIGIN}/api/trpc/${path}`, { headers: { cookie } })).then((r) => r.status);

/** next-auth's own sign-out (CSRF round trip included) with `config`'s options. */
async function signOut(config: AuthConfig, jwt: string): Promise<void> {
  const csrf = await nextAuthCall(config, "csrf", "GET", {});
  const csrfCookie = csrf.cookies.find((c) => c.startsWith(`agora-${config.app}.csrf-token=`));
  if (!csrfCookie) throw new Error("no CSRF cookie");
  const [name, value] = csrfCookie.split(";")[0]!.split("=");
  const out = await nextAuthCall(
    config,
    "signout",
    "POST",
    {
      [name!]: decodeURIComponent(value!),
      [sessionCookieName(config.app, false)]: jwt,
    },
    { csrfToken: (JSON.parse(csrf.body) as { csrfToken: string }).csrfToken },
  );
  expect(out.status).toBe(302);
  expect(out.cookies.some((c) => c.startsWith(`${sessionCookieName(config.app, false)}=;`))).toBe(
    true,
  );
}

/** One call of next-auth's API handler with a minimal request/response pair. */
async function nextAuthCall(
  config: AuthConfig,
  action: string,
  method: "GET" | "POST",
  cookies: Record<string, string>,
  body: Record<string, string> = {},
): Promise<{ status: number; cookies: string[]; body: string }> {
  const headers: Record<string, unknown> = {};
  let status = 200;
  let sent = "";
  const res = {
    status(code: number) {
      status = code;
      return res;
    },
    getHeader: (k: string) => headers[k.toLowerCase()],
    setHeader(k: string, v: unknown) {
      headers[k.toLowerCase()] = v;
      return res;
    },
    send(b: unknown) {
      sent = typeof b === "string" ? b : JSON.stringify(b);
    },
    json(b: unknown) {
      sent = JSON.stringify(b);
    },
    end() {},
  };
  const req = {
    method,
    query: { nextauth: [action] },
    cookies,
    headers: { host: "127.0.0.1:3000", "content-type": "application/x-www-form-urlencoded" },
    body,
  };
  // next-auth's Pages-Router handler takes Node's request/response; these carry what it reads.
  await NextAuth(req as never, res as never, authOptions(config));
  const setCookie = headers["set-cookie"];
  return { status, cookies: Array.isArray(setCookie) ? setCookie : [], body: sent };
}

beforeAll(async () => {
  const shop = await createVendor({
    slug: `cross-app-${run}`,
    name: "Cross-app shop",
    shard: "shard-1",
  });
  shopId = shop.id;
  ids.owner = await user(`owner-${run}@cross.test`, "vendor_owner", shopId);
  ids.staff = await user(`staff-${run}@cross.test`, "vendor_staff", shopId);
  ids.operator = await user(`operator-${run}@cross.test`, "operator", null);
  await core().primary.userRole.create({
    data: { userId: ids.staff, roleName: "shopper", vendorId: null },
  });
});

afterAll(async () => {
  await closeApiRedis();
  await closeAll();
});

describe("sessions across the three apps", () => {
  it("refuses a vendor portal session presented to the storefront or the console, which do not serve vendor procedures", async () => {
    const jwt = await signIn(`staff-${run}@cross.test`, portalAuth());
    expect(await get(portalGet, "vendor.profile", cookieFor("vendor-portal", jwt))).toBe(200);

    // The same token as the other apps' session cookie: their procedures see an anonymous caller…
    expect(await get(storefrontApi, "auth.me", cookieFor("storefront", jwt))).toBe(401);
    expect(await get(consoleApi, "ops.drills.list", cookieFor("ops-console", jwt))).toBe(401);
    // …and the vendor procedures are not there at all.
    expect(await get(storefrontApi, "vendor.profile", cookieFor("storefront", jwt))).toBe(404);
    expect(await get(consoleApi, "vendor.profile", cookieFor("ops-console", jwt))).toBe(404);
    expect(await get(portalGet, "ops.drills.list", cookieFor("vendor-portal", jwt))).toBe(404);
  });

  it("refuses a removed staff member's sessions in every app on their next request", async () => {
    const portal = await signIn(`staff-${run}@cross.test`, portalAuth());
    const storefront = await signIn(`staff-${run}@cross.test`, storefrontAuth());
    const owner = await signIn(`owner-${run}@cross.test`, portalAuth());
    expect(await get(storefrontApi, "auth.me", cookieFor("storefront", storefront))).toBe(200);

    const removed = await portalPost(
      new Request(`${ORIGIN}/api/trpc/vendor.staff.remove`, {
        method: "POST",
        headers: { cookie: cookieFor("vendor-portal", owner), "content-type": "application/json" },
        body: JSON.stringify({ json: { userId: ids.staff } }),
      }),
    );
    expect(removed.status).toBe(200);

    expect(await get(portalGet, "vendor.profile", cookieFor("vendor-portal", portal))).toBe(401);
    expect(await get(storefrontApi, "auth.me", cookieFor("storefront", storefront))).toBe(401);
  });

  it("refuses an operator's console session once they signed out, even replayed", async () => {
    const jwt = await signIn(`operator-${run}@cross.test`, consoleAuth());
    expect(await get(consoleApi, "ops.drills.list", cookieFor("ops-console", jwt))).toBe(200);

    await signOut(consoleAuth(), jwt);
    expect(await get(consoleApi, "ops.drills.list", cookieFor("ops-console", jwt))).toBe(401);
  });
});
