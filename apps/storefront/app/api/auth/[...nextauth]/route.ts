import { authOptions, withThrottleStatus } from "@agora/auth";
import { guardedRoute } from "@agora/trpc-next/route-guards";
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { signInConfig } from "../../../../src/auth/config.ts";

type Context = { params: Promise<{ nextauth: string[] }> };

// Options are built per request, not at import: `next build` loads this module on machines
// without NEXTAUTH_SECRET or a topology to derive it from. People sign in through Agora's
// identity provider (authorization code + PKCE); the callback lands here.
async function handler(req: NextRequest, ctx: Context): Promise<Response> {
  // next-auth types its App Router handler's result as `any`; it is a fetch Response.
  const res = (await NextAuth(req, ctx, authOptions(await signInConfig()))) as Response;
  // A throttled direct sign-in (load tools only) answers 429 + Retry-After instead of 401.
  return withThrottleStatus(res);
}

const guarded = guardedRoute(handler);

export { guarded as GET, guarded as POST };
