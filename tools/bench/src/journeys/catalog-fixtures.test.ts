import { describe, expect, it } from "vitest";
import { allocate, searchWordOf, withTypo } from "./catalog-fixtures.ts";

describe("catalog fixtures", () => {
  it("makes a typo by leaving out the middle letter", () => {
    expect(withTypo("cotton")).toBe("coton");
    expect(withTypo("shirt")).toBe("shrt");
    expect(withTypo("ab")).toBe("ab");
  });

  it("searches for the longest plain word of real titles", () => {
    expect(searchWordOf(["Linen Shirt", "Merino wool-blend Sweater"])).toBe("sweater");
    expect(searchWordOf([])).toBe("shirt");
  });

  it("gives each shopper one unit without selling more than an item has", () => {
    const items = [
      { productId: "a", vendorId: "v", available: 2 },
      { productId: "b", vendorId: "v", available: 1 },
    ];
    const out = allocate(items, 5);
    expect(out).toHaveLength(3);
    expect(out.filter((i) => i.productId === "a")).toHaveLength(2);
  });
});
