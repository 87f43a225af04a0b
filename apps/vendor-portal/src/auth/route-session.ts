import "server-only";

import { hasPermission, type Permission } from "@agora/api/permissions";
import { type AgoraSession, getSession } from "@agora/auth";
import { authConfig } from "./config.ts";

/**
 * The vendor session of a route handler (uploads, downloads) that needs `permissions`, or the
 * HTTP response to send instead: 401 without a session, 403 without the permission or a tenant.
 */
export async function vendorSessionFor(
  req: Request,
  permissions: Permission[],
): Promise<{ session: AgoraSession & { vendorId: string } } | { response: Response }> {
  const session = await getSession(req, authConfig());
  if (!session) return { response: Response.json({ error: "Sign in to continue." }, { status: 401 }) };
  const vendorId = session.vendorId;
  if (!vendorId || !permissions.every((p) => hasPermission(session.roles, p)))
    return { response: Response.json({ error: "Your role may not do this." }, { status: 403 }) };
  return { session: { ...session, vendorId } };
}
