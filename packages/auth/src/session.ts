import { z } from "zod";
import { ROLES, type Role } from "./roles.ts";

/** Who is calling: what the tRPC context and the apps' pages see. */
export interface AgoraSession {
  userId: string;
  email: string;
  name: string;
  roles: Role[];
  /** The tenant of a vendor_owner / vendor_staff session; never taken from request input. */
  vendorId?: string;
  /** The user's session epoch when the token was issued (see revocation.ts); tokens without one count as 0. */
  epoch?: number;
}

/** The claims Agora adds to next-auth's JWT (besides `sub`, `email`, `name`). */
export interface AgoraClaims {
  roles: Role[];
  vendorId?: string;
  epoch?: number;
}

const tokenShape = z.object({
  sub: z.string().min(1),
  email: z.string(),
  name: z.string(),
  roles: z.array(z.enum(ROLES)),
  vendorId: z.string().optional(),
  epoch: z.number().int().nonnegative().optional(),
});

/**
 * The session of a decoded token, or null when the token does not carry Agora's claims (e.g. one
 * issued before a claim was added): such a caller is treated as anonymous and signs in again.
 */
export function sessionFromToken(token: unknown): AgoraSession | null {
  const parsed = tokenShape.safeParse(token);
  if (!parsed.success) return null;
  const { sub, email, name, roles, vendorId, epoch } = parsed.data;
  return { userId: sub, email, name, roles, ...(vendorId ? { vendorId } : {}), epoch: epoch ?? 0 };
}
