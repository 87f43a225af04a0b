import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, InvalidCursorError } from "./cursor.ts";

const id = "00000000-0000-4000-8000-000000000001";

describe("keyset cursor", () => {
  it("round-trips the boundary key, direction and sort", () => {
    const c = { s: "price_asc", d: "after" as const, v: 1299, id };
    expect(decodeCursor(encodeCursor(c), "price_asc", "int")).toEqual(c);
  });

  it("keeps string keys with unicode intact", () => {
    const c = { s: "name", d: "before" as const, v: "Çelik Pfanne – 28 cm", id };
    expect(decodeCursor(encodeCursor(c), "name", "text")).toEqual(c);
  });

  it("refuses a cursor made for another sort", () => {
    const raw = encodeCursor({ s: "name", d: "after", v: "a", id });
    expect(() => decodeCursor(raw, "price_desc", "int")).toThrow(InvalidCursorError);
  });

  it("refuses garbage and tampered cursors", () => {
    expect(() => decodeCursor("not-base64-json", "name", "text")).toThrow(InvalidCursorError);
    const tampered = Buffer.from(
      JSON.stringify({ s: "name", d: "after", v: "a", id: "x" }),
    ).toString("base64url");
    expect(() => decodeCursor(tampered, "name", "text")).toThrow(InvalidCursorError);
  });

  it("refuses a boundary key the sort's column cannot compare with", () => {
    const forged = (s: string, v: unknown) =>
      Buffer.from(JSON.stringify({ s, d: "after", v, id })).toString("base64url");
    for (const [sort, type, v] of [
      ["price_asc", "int", "abc"],
      ["price_asc", "int", 1e12],
      ["price_desc", "int", 12.5],
      ["relevance", "float8", "0.5"],
      ["name", "text", 42],
      ["name", "text", "a\u0000b"],
      ["name", "text", "x".repeat(501)],
    ] as const)
      expect(() => decodeCursor(forged(sort, v), sort, type), `${sort} ${String(v)}`).toThrow(
        InvalidCursorError,
      );
  });
});
