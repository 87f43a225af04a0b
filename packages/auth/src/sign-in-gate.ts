import { type NextRequest, NextResponse } from "next/server";
import { getSession } from "./get-session.ts";
import type { AgoraSession } from "./session.ts";

/**
 * An app's proxy.ts for pages that need a session the app accepts: others go to /signin and come
 * back after (`error=forbidden` when signed in with an account the app does not accept).
 * An optimistic check on the JWT only (no database): the tRPC procedures enforce permissions
 * themselves, so API routes are left out of the proxy's matcher to answer 401/403 instead.
 */
export async function signInGate(
  req: NextRequest,
  config: Parameters<typeof getSession>[1],
  mayUseApp: (session: AgoraSession | null) => boolean,
): Promise<NextResponse> {
  const session = await getSession(req, config);
  if (mayUseApp(session)) return NextResponse.next();
  const to = req.nextUrl.clone();
  to.pathname = "/signin";
  to.search = "";
  to.searchParams.set("callbackUrl", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  if (session) to.searchParams.set("error", "forbidden");
  return NextResponse.redirect(to);
}
