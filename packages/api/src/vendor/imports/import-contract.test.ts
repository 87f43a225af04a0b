import { describe, expect, it } from "vitest";
import { csvLine, formatPrice, missingColumns, PRODUCT_CSV_COLUMNS, validateCsvRow } from "./import-contract.ts";

const good = {
  sku: "TOTE-1",
  title: "Canvas tote",
  description: "",
  category: "bags",
  price: "12.5",
  currency: "eur",
  status: "",
  warehouse: "MAIN",
  on_hand: "7",
};

describe("CSV row validation", () => {
  it("turns a valid row into cents, upper-case currency and the default status", () => {
    const r = validateCsvRow(good, 2);
    expect(r).toEqual({
      ok: true,
      row: expect.objectContaining({ price: 1250, currency: "EUR", status: "active", on_hand: 7, description: "" }),
    });
  });

  it.each([
    ["sku", { sku: "" }, "sku"],
    ["price with three decimals", { price: "1.999" }, "price"],
    ["negative stock", { on_hand: "-1" }, "on_hand"],
    ["fractional stock", { on_hand: "1.5" }, "on_hand"],
    ["unknown status", { status: "deleted" }, "status"],
    ["sku with spaces", { sku: "A B" }, "sku"],
    ["variant sku with spaces", { variant: "RED M" }, "variant"],
  ])("reports %s as an error of that field with the line number", (_name, patch, field) => {
    const r = validateCsvRow({ ...good, ...patch }, 41);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([expect.objectContaining({ line: 41, field })]);
  });

  it("collects every bad field of a row, not just the first", () => {
    const r = validateCsvRow({ ...good, title: "", price: "abc", warehouse: "" }, 3);
    expect(r.ok ? [] : r.errors.map((e) => e.field).sort()).toEqual(["price", "title", "warehouse"]);
  });

  it("keeps a row without the variant column a product-level row, and reads it when present", () => {
    const plain = validateCsvRow(good, 2);
    expect(plain.ok && plain.row.variant).toBeUndefined();
    expect(validateCsvRow({ ...good, variant: " TEE-RED-M " }, 3)).toMatchObject({
      ok: true,
      row: { variant: "TEE-RED-M" },
    });
  });

  it("names the required columns a header lacks", () => {
    expect(missingColumns(["sku", "title", "price"])).toEqual(["category", "warehouse", "on_hand"]);
    expect(missingColumns([...PRODUCT_CSV_COLUMNS])).toEqual([]);
  });
});

describe("CSV writing", () => {
  it("quotes only fields with commas, quotes or line breaks", () => {
    expect(csvLine(["a", 'say "hi"', "x,y", 3, null])).toBe('a,"say ""hi""","x,y",3,');
  });

  it("neutralises cells a spreadsheet would run as formulas, and the import takes them back", () => {
    const attacks = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\t=1", "\r=1"];
    for (const cell of attacks) {
      const written = csvLine([cell]);
      const unquoted = written.startsWith('"') ? written.slice(1, -1).replaceAll('""', '"') : written;
      expect(unquoted, cell).toBe(`'${cell}`);
    }
    expect(csvLine([-3, "plain", "a=b"])).toBe("-3,plain,a=b");
    const back = validateCsvRow({ ...good, title: "'=HYPERLINK(1)" }, 2);
    expect(back).toMatchObject({ ok: true, row: { title: "=HYPERLINK(1)" } });
  });

  it("formats cents the way the import parses them", () => {
    expect(formatPrice(1250)).toBe("12.50");
    expect(formatPrice(5)).toBe("0.05");
    expect(validateCsvRow({ ...good, price: formatPrice(123456) }, 2)).toMatchObject({ ok: true, row: { price: 123456 } });
  });
});
