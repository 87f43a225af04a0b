import { describe, expect, it } from "vitest";
import { linesOf } from "./cart-store.ts";
import { groupView, problemOf } from "./get-cart.ts";

const V = "00000000-0000-4000-8000-000000000001";

describe("cart lines from the Redis hash", () => {
  it("reads quantity, vendor, seen price and title per product and skips half-written lines", () => {
    expect(
      linesOf({
        "q:b": "2",
        "v:b": V,
        "p:b": "500",
        "t:b": "Bee",
        "q:a": "1",
        "v:a": V,
        "p:a": "100",
        "t:a": "Ay",
        "q:orphan": "3", // no vendor field: a line the script never finished is ignored
      }),
    ).toEqual([
      { productId: "a", vendorId: V, quantity: 1, seenPriceCents: 100, title: "Ay" },
      { productId: "b", vendorId: V, quantity: 2, seenPriceCents: 500, title: "Bee" },
    ]);
  });
});

describe("cart revalidation", () => {
  it("names the problem of each line from what the shard says now", () => {
    expect(problemOf(undefined, 1)).toBe("unavailable");
    expect(problemOf({ active: false, available: 9 }, 1)).toBe("unavailable");
    expect(problemOf({ active: true, available: 0 }, 1)).toBe("out_of_stock");
    expect(problemOf({ active: true, available: 2 }, 3)).toBe("insufficient_stock");
    expect(problemOf({ active: true, available: 3 }, 3)).toBeNull();
  });

  const line = { productId: "a", vendorId: V, quantity: 2, seenPriceCents: 1000, title: "Ay" };

  it("prices at today's price and reports the price the shopper saw when it changed", () => {
    const g = groupView(V, [line], {
      vendorName: "Shop",
      products: new Map([
        [
          "a",
          {
            productId: "a",
            title: "Ay",
            priceCents: 1200,
            active: true,
            available: 5,
            stockByVariant: false,
            imageUrl: null,
          },
        ],
      ]),
      variants: new Map(),
    });
    expect(g.items[0]).toMatchObject({
      unitPriceCents: 1200,
      priceChangedFromCents: 1000,
      problem: null,
    });
    expect(g.subtotalCents).toBe(2400);
    expect(g.shippingOptions.map((o) => o.id)).toEqual(["standard", "express"]);
  });

  it("keeps two variants of one product apart, each priced and stocked on its own", () => {
    const R = "00000000-0000-4000-8000-0000000000a1";
    const B = "00000000-0000-4000-8000-0000000000b2";
    const lines = linesOf({
      [`q:a/${R}`]: "2",
      [`v:a/${R}`]: V,
      [`p:a/${R}`]: "1000",
      [`t:a/${R}`]: "Ay · Red",
      [`q:a/${B}`]: "1",
      [`v:a/${B}`]: V,
      [`p:a/${B}`]: "1500",
      [`t:a/${B}`]: "Ay · Blue",
    });
    expect(lines.map((l) => [l.productId, l.variantId, l.quantity])).toEqual([
      ["a", R, 2],
      ["a", B, 1],
    ]);
    const g = groupView(V, lines, {
      vendorName: "Shop",
      products: new Map([
        [
          "a",
          {
            productId: "a",
            title: "Ay",
            priceCents: 1000,
            active: true,
            available: 0,
            stockByVariant: true,
            imageUrl: null,
          },
        ],
      ]),
      variants: new Map([
        [R, { variantId: R, productId: "a", title: "Red", priceCents: 1000, available: 1 }],
        [B, { variantId: B, productId: "a", title: "Blue", priceCents: 1500, available: 4 }],
      ]),
    });
    expect(g.items.map((i) => [i.variantTitle, i.unitPriceCents, i.available, i.problem])).toEqual([
      ["Red", 1000, 1, "insufficient_stock"],
      ["Blue", 1500, 4, null],
    ]);
    expect(g.subtotalCents).toBe(3500);
  });

  it("marks a variant line unavailable once its variant is gone", () => {
    const gone = "00000000-0000-4000-8000-0000000000c3";
    const g = groupView(V, [{ ...line, variantId: gone }], {
      vendorName: "Shop",
      products: new Map([
        [
          "a",
          {
            productId: "a",
            title: "Ay",
            priceCents: 1000,
            active: true,
            available: 9,
            stockByVariant: true,
            imageUrl: null,
          },
        ],
      ]),
      variants: new Map(),
    });
    expect(g.items[0]).toMatchObject({ problem: "unavailable", available: 0 });
  });

  it("keeps a vendor's lines, marked unavailable, while its shard cannot answer", () => {
    const g = groupView(V, [line], null);
    expect(g.items[0]).toMatchObject({
      title: "Ay",
      unitPriceCents: 1000,
      available: 0,
      priceChangedFromCents: null,
      problem: "unavailable",
    });
  });
});
