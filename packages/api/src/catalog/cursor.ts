/**
 * Opaque keyset cursors: the sort key and product id of the row a page starts after (or ends
 * before). Clients pass them back unchanged; a tampered or foreign cursor is a BAD_REQUEST, never a
 * wrong page.
 */
import { z } from "zod";

export const CATEGORY_SORTS = ["name", "price_asc", "price_desc"] as const;
export type CategorySort = (typeof CATEGORY_SORTS)[number];

const cursorSchema = z.object({
  /** The sort the cursor was made for; a cursor is only valid with that sort. */
  s: z.string(),
  /** "after": the page after this key; "before": the page before it. */
  d: z.enum(["after", "before"]),
  /** The sort key value of the boundary row (title, price or rank). */
  v: z.union([z.string(), z.number()]),
  id: z.uuid(),
});
export type Cursor = z.infer<typeof cursorSchema>;

export class InvalidCursorError extends Error {
  readonly code = "INVALID_CURSOR";
  constructor(reason: string) {
    super(`invalid cursor: ${reason}`);
    this.name = "InvalidCursorError";
  }
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), "utf8").toString("base64url");
}

/** Postgres type of a sort key (keyset.ts `SortSpec.type`). */
export type SortKeyType = "text" | "int" | "float8";

/**
 * What a boundary value of each key type may be: a tampered cursor must fail here as a
 * BAD_REQUEST, not as a query error (an `int` out of range, a word cast to a number, a NUL).
 */
const KEY_VALUES: Record<SortKeyType, z.ZodType> = {
  text: z.string().max(500),
  int: z.number().int().min(-2_147_483_648).max(2_147_483_647),
  float8: z.number().finite(),
};

export function decodeCursor(raw: string, sort: string, keyType: SortKeyType): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError("not a cursor");
  }
  const r = cursorSchema.safeParse(parsed);
  if (!r.success) throw new InvalidCursorError("malformed");
  if (r.data.s !== sort) throw new InvalidCursorError(`made for sort "${r.data.s}", not "${sort}"`);
  if (!KEY_VALUES[keyType].safeParse(r.data.v).success)
    throw new InvalidCursorError(`key is not a ${keyType}`);
  if (typeof r.data.v === "string" && r.data.v.includes("\u0000"))
    throw new InvalidCursorError("key contains a NUL character");
  return r.data;
}
