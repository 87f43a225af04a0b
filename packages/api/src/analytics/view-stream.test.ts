import { describe, expect, it } from "vitest";
import { parseViewEntry, viewKey } from "./view-stream.ts";

const P = "10000000-0000-4000-8000-000000000001";
const V = "00000000-0000-4000-8000-0000000000a1";

describe("view keys", () => {
  it("are the same for one visitor, product and hour, and differ across hours and visitors", () => {
    const a = viewKey(P, new Date("2026-01-01T10:01:00Z"), { userId: "u1" });
    expect(viewKey(P, new Date("2026-01-01T10:59:59Z"), { userId: "u1" })).toBe(a);
    expect(viewKey(P, new Date("2026-01-01T11:00:00Z"), { userId: "u1" })).not.toBe(a);
    expect(viewKey(P, new Date("2026-01-01T10:01:00Z"), { userId: "u2" })).not.toBe(a);
    expect(viewKey(P, new Date("2026-01-01T10:01:00Z"), { guestId: "u1" })).not.toBe(a);
  });

  it("never contain the visitor's id, and never dedupe visitors without one", () => {
    const at = new Date("2026-01-01T10:01:00Z");
    expect(viewKey(P, at, { userId: "user-42" })).not.toContain("user-42");
    expect(viewKey(P, at, {})).not.toBe(viewKey(P, at, {}));
  });
});

describe("parseViewEntry", () => {
  it("reads a stream entry's field list and rejects malformed ones", () => {
    const fields = [
      "viewKey",
      "k",
      "productId",
      P,
      "vendorId",
      V,
      "viewedAt",
      "2026-01-01T10:01:00.000Z",
    ];
    expect(parseViewEntry(fields)).toEqual({
      viewKey: "k",
      productId: P,
      vendorId: V,
      viewedAt: "2026-01-01T10:01:00.000Z",
    });
    expect(parseViewEntry(["viewKey", "k", "productId", "not-a-uuid"])).toBeNull();
  });
});
