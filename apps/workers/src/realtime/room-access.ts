/**
 * Who may join which room. Product rooms are public. An order room needs the storefront's
 * next-auth session cookie (JWT, decoded with the storefront's secret, no database round trip)
 * AND the order's `user_id` to be that session's user, read from the core primary so an order
 * placed a moment ago is found.
 */
import { type AgoraSession, type AuthConfig, getSession } from "@agora/auth";
import { core } from "@agora/db";
import type { OrderPush, Room, SubscribeAck } from "./rooms.ts";

export interface RoomAccess {
  /** The session carried by the handshake's cookies, or null. */
  sessionOf(headers: Headers): Promise<AgoraSession | null>;
  /** The owner's user id, or null for an unknown order. */
  orderOwner(orderId: string): Promise<string | null>;
  /**
   * The order's current version and status from the primary, sent to a socket right after it
   * joined the order's room: pushes made before the join are not replayed, so without it a page
   * whose first read was older than the join would wait for a push that already went out.
   */
  orderSnapshot(orderId: string): Promise<OrderPush | null>;
}

export function storefrontRoomAccess(
  auth: Pick<AuthConfig, "app" | "secret" | "url" | "revocation">,
): RoomAccess {
  return {
    sessionOf: (headers) => getSession({ headers }, auth),
    async orderOwner(orderId) {
      const rows = await core().primary.$queryRawUnsafe<{ user_id: string }[]>(
        `SELECT user_id::text AS user_id FROM orders WHERE id = $1::uuid`,
        orderId,
      );
      return rows[0]?.user_id ?? null;
    },
    async orderSnapshot(orderId) {
      const rows = await core().primary.$queryRawUnsafe<
        { version: number; status: string; updated_at: Date }[]
      >(`SELECT version, status, updated_at FROM orders WHERE id = $1::uuid`, orderId);
      const row = rows[0];
      if (!row) return null;
      return {
        orderId,
        version: row.version,
        type: "Snapshot",
        status: row.status,
        at: row.updated_at.toISOString(),
      };
    },
  };
}

/** Decides a subscription; `unavailable` when the owner cannot be read right now. */
export async function mayJoin(
  access: RoomAccess,
  room: Room,
  headers: Headers,
): Promise<SubscribeAck> {
  if (room.kind === "product") return { ok: true };
  const session = await access.sessionOf(headers);
  if (!session) return { ok: false, error: "unauthorized" };
  let owner: string | null;
  try {
    owner = await access.orderOwner(room.id);
  } catch (err) {
    process.stderr.write(
      `${JSON.stringify({ level: "warn", msg: "order owner lookup failed", err: String(err) })}\n`,
    );
    return { ok: false, error: "unavailable" };
  }
  // An unknown order answers like someone else's: the room name reveals nothing.
  return owner === session.userId ? { ok: true } : { ok: false, error: "forbidden" };
}
