import { authOptions } from "@agora/auth";
import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authConfig } from "../../../../src/auth/config.ts";

type Context = { params: Promise<{ nextauth: string[] }> };

// Options are built per request, not at import: `next build` loads this module on machines
// without NEXTAUTH_SECRET or a topology to derive it from.
async function handler(req: NextRequest, ctx: Context): Promise<Response> {
  // next-auth types its App Router handler's result as `any`; it is a fetch Response.
  return (await NextAuth(req, ctx, authOptions(authConfig()))) as Response;
}

export { handler as GET, handler as POST };
