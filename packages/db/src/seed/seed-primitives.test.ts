import { describe, expect, it } from "vitest";
import { mulberry32 } from "./prng.ts";
import { productSvg } from "./product-image.ts";

describe("mulberry32", () => {
  it("gives the same sequence for the same seed and a different one otherwise", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });
  it("draws v4-shaped uuids deterministically", () => {
    const id = mulberry32(1).uuid();
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(mulberry32(1).uuid()).toBe(id);
  });
});

describe("productSvg", () => {
  it("is deterministic and escapes the title", () => {
    const a = productSvg({ title: "Pots & <Pans>", category: "Kitchen", hue: 20, variant: 7 });
    expect(a).toBe(
      productSvg({ title: "Pots & <Pans>", category: "Kitchen", hue: 20, variant: 7 }),
    );
    expect(a).toContain("Pots &amp; &lt;Pans&gt;");
  });
});
