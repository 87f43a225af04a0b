import { describe, expect, it } from "vitest";
import { decodeCursor } from "./cursor.ts";
import { keysetPlan, toPage } from "./keyset.ts";

const spec = { expr: "price_cents", type: "int" as const, desc: false };
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
const rows = (ns: number[]) => ns.map((n) => ({ productId: id(n), price: n * 10 }));

describe("keyset plan", () => {
  it("has no seek condition on the first page", () => {
    expect(keysetPlan(spec, null, 2)).toEqual({
      where: "",
      orderBy: "price_cents ASC, product_id ASC",
      params: [],
      reversed: false,
    });
  });

  it("seeks past the cursor row with a row comparison in sort order", () => {
    const p = keysetPlan(spec, { s: "price_asc", d: "after", v: 500, id: id(1) }, 3);
    expect(p.where).toBe("AND (price_cents, product_id) > ($3::int, $4::uuid)");
    expect(p.params).toEqual([500, id(1)]);
  });

  it("walks backwards with the opposite comparison and order, then reverses", () => {
    const p = keysetPlan({ ...spec, desc: true }, { s: "x", d: "before", v: 5, id: id(1) }, 1);
    expect(p.where).toContain(">");
    expect(p.orderBy).toBe("price_cents ASC, product_id ASC");
    expect(p.reversed).toBe(true);
  });
});

describe("toPage", () => {
  it("offers a next cursor only when an extra row was fetched, and no prev on the first page", () => {
    const plan = keysetPlan(spec, null, 1);
    const page = toPage(rows([1, 2, 3]), 2, "price_asc", null, plan, (r) => r.price);
    expect(page.items.map((r) => r.price)).toEqual([10, 20]);
    expect(page.prevCursor).toBeNull();
    expect(decodeCursor(page.nextCursor ?? "", "price_asc", "int")).toMatchObject({ d: "after", v: 20 });
    const lastPage = toPage(rows([1, 2]), 2, "price_asc", null, plan, (r) => r.price);
    expect(lastPage.nextCursor).toBeNull();
  });

  it("restores page order when paging backwards and keeps a next cursor", () => {
    const cursor = { s: "price_asc", d: "before" as const, v: 50, id: id(5) };
    const plan = keysetPlan(spec, cursor, 1);
    const page = toPage(rows([4, 3, 2]), 2, "price_asc", cursor, plan, (r) => r.price);
    expect(page.items.map((r) => r.price)).toEqual([30, 40]);
    expect(page.nextCursor).not.toBeNull();
    expect(page.prevCursor).not.toBeNull();
  });
});
