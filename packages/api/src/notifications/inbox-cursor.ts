/**
 * Keyset cursor of the inbox: the (created_at, id) of the last row shown, so the next page is
 * `< (created_at, id)` on the (user_id, created_at DESC, id DESC) index — stable while new
 * notifications arrive on top, unlike OFFSET.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";

const cursorSchema = z.object({ at: z.iso.datetime(), id: z.uuid() });
export type InboxCursor = { at: Date; id: string };

export function encodeInboxCursor(c: InboxCursor): string {
  return Buffer.from(JSON.stringify({ at: c.at.toISOString(), id: c.id })).toString("base64url");
}

export function decodeInboxCursor(raw: string): InboxCursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch (err) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "Invalid inbox cursor.", cause: err });
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success)
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: "Invalid inbox cursor.",
      cause: parsed.error,
    });
  return { at: new Date(parsed.data.at), id: parsed.data.id };
}
