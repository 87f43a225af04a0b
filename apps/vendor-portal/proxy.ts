import { getSession } from "@agora/auth";
import { type NextRequest, NextResponse } from "next/server";
import { authConfig, mayUseApp } from "./src/auth/config.ts";

/**
 * Every page needs a session that may use this app; others go to /signin and come back after.
 * An optimistic check on the JWT only (no database): the tRPC procedures enforce permissions
 * themselves, so API routes are left to answer 401/403 instead of redirecting.
 */
export default async function proxy(req: NextRequest) {
  const session = await getSession(req, authConfig());
  if (mayUseApp(session)) return NextResponse.next();
  const to = req.nextUrl.clone();
  to.pathname = "/signin";
  to.search = "";
  to.searchParams.set("callbackUrl", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  if (session) to.searchParams.set("error", "forbidden");
  return NextResponse.redirect(to);
}

export const config = {
  // invite/<token>: the public accept page of an invitation link.
  matcher: ["/((?!signin|invite/|api/|healthz|readyz|_next/|icon\\.svg|favicon\\.ico).*)"],
};
