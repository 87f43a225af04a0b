/**
 * The portal's own request paths with a removed staff member's unchanged cookie: proxy.ts (every
 * page load) sends them to /signin and the tRPC route handler answers 401 — on the first request
 * after the owner's `vendor.staff.remove` (sent through the same route handler).
 */
import { randomUUID } from "node:crypto";
import { closeApiRedis } from "@agora/api/cache";
import { authOptions, verifyCredentials } from "@agora/auth";
import { closeAll, core, createVendor, hashPassword } from "@agora/db";
import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET, POST } from "../../app/api/trpc/[trpc]/route.ts";
import proxy, { config } from "../../proxy.ts";
import { authConfig } from "./config.ts";

const run = randomUUID().slice(0, 8);
const PASSWORD = "portal revocation test";
const ORIGIN = "http://127.0.0.1:3000";
let ownerCookie: string;
let staffCookie: string;
let staffId: string;

async function user(
  email: string,
  role: "vendor_owner" | "vendor_staff",
  vendorId: string,
): Promise<string> {
  const { id } = await core().primary.user.create({
    data: { email, name: role, passwordHash: await hashPassword(PASSWORD) },
  });
  await core().primary.userRole.create({ data: { userId: id, roleName: role, vendorId } });
  return id;
}

/** The session cookie next-auth's Credentials sign-in would set for this account. */
async function signIn(email: string): Promise<string> {
  const config = authConfig();
  const signedIn = await verifyCredentials({ email, password: PASSWORD });
  if (!signedIn) throw new Error(`sign-in of ${email} failed`);
  const token = await authOptions(config).callbacks!.jwt!({
    token: {},
    user: signedIn,
    account: null,
  });
  return `agora-vendor-portal.session-token=${await encode({ token, secret: config.secret })}`;
}

const page = (path: string, cookie: string) =>
  proxy(new NextRequest(`${ORIGIN}${path}`, { headers: { cookie } }));
const profile = (cookie: string) =>
  GET(new Request(`${ORIGIN}/api/trpc/vendor.profile`, { headers: { cookie } }));

beforeAll(async () => {
  const shop = await createVendor({
    slug: `portal-rev-${run}`,
    name: "Portal shop",
    shard: "shard-2",
  });
  await user(`owner-${run}@portal.test`, "vendor_owner", shop.id);
  staffId = await user(`staff-${run}@portal.test`, "vendor_staff", shop.id);
  ownerCookie = await signIn(`owner-${run}@portal.test`);
  staffCookie = await signIn(`staff-${run}@portal.test`);
});

afterAll(async () => {
  await closeApiRedis();
  await closeAll();
});

describe("vendor portal session revocation", () => {
  it("serves a staff member until the owner removes them, then redirects their pages and refuses their API calls", async () => {
    expect((await page("/stock", staffCookie)).headers.get("x-middleware-next")).toBe("1");
    expect((await profile(staffCookie)).status).toBe(200);

    const removed = await POST(
      new Request(`${ORIGIN}/api/trpc/vendor.staff.remove`, {
        method: "POST",
        headers: { cookie: ownerCookie, "content-type": "application/json" },
        body: JSON.stringify({ json: { userId: staffId } }),
      }),
    );
    expect(removed.status).toBe(200);

    const redirect = await page("/stock", staffCookie);
    expect(redirect.status).toBe(307);
    const location = new URL(redirect.headers.get("location")!);
    expect(location.pathname).toBe("/signin");
    expect(location.searchParams.get("callbackUrl")).toBe("/stock");
    expect((await profile(staffCookie)).status).toBe(401);
    // The owner keeps working.
    expect((await profile(ownerCookie)).status).toBe(200);
    expect((await page("/staff", ownerCookie)).headers.get("x-middleware-next")).toBe("1");
  });

  it("keeps the invitation page outside the proxy (no session needed) but not the staff page", () => {
    const matcher = new RegExp(`^${config.matcher[0]}$`);
    expect(matcher.test(`/invite/${"a".repeat(43)}`)).toBe(false);
    expect(matcher.test("/staff")).toBe(true);
    expect(matcher.test("/settings/notifications")).toBe(true);
  });
});
