import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, InvalidCursorError } from "./cursor.ts";

const id = "00000000-0000-4000-8000-000000000001";

describe("keyset cursor", () => {
  it("round-trips the boundary key, direction and sort", () => {
    const c = { s: "price_asc", d: "after" as const, v: 1299, id };
    expect(decodeCursor(encodeCursor(c), "price_asc")).toEqual(c);
  });

  it("keeps string keys with unicode intact", () => {
    const c = { s: "name", d: "before" as const, v: "Çelik Pfanne – 28 cm", id };
    expect(decodeCursor(encodeCursor(c), "name")).toEqual(c);
  });

  it("refuses a cursor made for another sort", () => {
    const raw = encodeCursor({ s: "name", d: "after", v: "a", id });
    expect(() => decodeCursor(raw, "price_desc")).toThrow(InvalidCursorError);
  });

  it("refuses garbage and tampered cursors", () => {
    expect(() => decodeCursor("not-base64-json", "name")).toThrow(InvalidCursorError);
    const tampered = Buffer.from(
      JSON.stringify({ s: "name", d: "after", v: "a", id: "x" }),
    ).toString("base64url");
    expect(() => decodeCursor(tampered, "name")).toThrow(InvalidCursorError);
  });
});
