/**
 * CSV import with and without the optional `variant` column against the real topology: a file in
 * the old format keeps setting the product's own stock, a file with the column sets each variant's
 * stock (creating new variant SKUs under their product), and re-running it changes nothing.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvLine } from "@agora/api/imports";
import { closeAll, core, createVendor, withTenant } from "@agora/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processImport } from "./import-processor.ts";

const run = randomUUID().slice(0, 8);
const dir = mkdtempSync(join(tmpdir(), "agora-import-variants-"));
const category = `import-var-${run}`;
let vendorId: string;

beforeAll(async () => {
  await core().primary.category.create({
    data: { slug: category, name: `Import variants ${run}` },
  });
  vendorId = (await createVendor({ slug: `impv-${run}`, name: "Variant Import", shard: "shard-1" }))
    .id;
  await withTenant(vendorId, (tx) =>
    tx.warehouse.createMany({
      data: [
        { vendorId, code: "A", name: "A" },
        { vendorId, code: "B", name: "B" },
      ],
    }),
  );
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeAll();
});

async function importFile(name: string, lines: string[]) {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\r\n")}\r\n`);
  const job = await core().primary.importJob.create({
    data: { vendorId, fileName: name, fileHash: `${run}-${name}`, filePath: path },
  });
  return processImport({ importId: job.id, vendorId });
}

async function stock() {
  return withTenant(vendorId, async (tx) => {
    const rows = await tx.stockLevel.findMany({
      include: {
        product: { select: { sku: true } },
        variant: { select: { sku: true } },
        warehouse: { select: { code: true } },
      },
    });
    return Object.fromEntries(
      rows.map((r) => [`${r.product.sku}/${r.variant?.sku ?? "-"}@${r.warehouse.code}`, r.onHand]),
    );
  });
}

const OLD_HEADER = [
  "sku",
  "title",
  "description",
  "category",
  "price",
  "currency",
  "status",
  "warehouse",
  "on_hand",
];

describe("CSV import with variants", () => {
  it("imports a file without the variant column as the product's own stock", async () => {
    const r = await importFile("old.csv", [
      csvLine(OLD_HEADER),
      csvLine(["MUG", "Mug", "", category, "8.00", "EUR", "active", "A", 7]),
      csvLine(["MUG", "Mug", "", category, "8.00", "EUR", "active", "B", 1]),
    ]);
    expect(r.errors).toEqual([]);
    expect(await stock()).toMatchObject({ "MUG/-@A": 7, "MUG/-@B": 1 });
  });

  it("sets each variant's stock per warehouse, creates new variant SKUs, and changes nothing on a re-run", async () => {
    const header = csvLine([...OLD_HEADER, "variant"]);
    const rows = [
      header,
      csvLine(["TEE", "Tee", "", category, "20.00", "EUR", "active", "A", 4, "TEE-RED"]),
      csvLine(["TEE", "Tee", "", category, "20.00", "EUR", "active", "B", 2, "TEE-RED"]),
      csvLine(["TEE", "Tee", "", category, "20.00", "EUR", "active", "A", 0, "TEE-BLUE"]),
      csvLine(["TEE", "Tee", "", category, "20.00", "EUR", "active", "B", 9, "TEE-BLUE"]),
      // The same variant twice for one warehouse, and a variant SKU of another product: row errors.
      csvLine(["TEE", "Tee", "", category, "20.00", "EUR", "active", "B", 1, "TEE-BLUE"]),
    ];
    const first = await importFile("variants.csv", rows);
    expect(first.errors.map((e) => [e.line, e.field])).toEqual([[6, "sku"]]);
    expect(first.stockChanged).toBe(4);
    const wrong = await importFile("wrong.csv", [
      header,
      csvLine(["MUG", "Mug", "", category, "8.00", "EUR", "active", "A", 3, "TEE-RED"]),
    ]);
    expect(wrong.errors.map((e) => [e.line, e.field])).toEqual([[2, "variant"]]);

    expect(await stock()).toMatchObject({
      "MUG/-@A": 7,
      "TEE/TEE-RED@A": 4,
      "TEE/TEE-RED@B": 2,
      "TEE/TEE-BLUE@A": 0,
      "TEE/TEE-BLUE@B": 9,
    });
    const variants = await withTenant(vendorId, (tx) =>
      tx.productVariant.findMany({ where: { product: { sku: "TEE" } }, select: { sku: true } }),
    );
    expect(variants.map((v) => v.sku).sort()).toEqual(["TEE-BLUE", "TEE-RED"]);
    const event = await withTenant(vendorId, (tx) =>
      tx.outbox.findFirstOrThrow({ where: { eventType: "StockChanged" }, orderBy: { id: "desc" } }),
    );
    expect(event.payload).toMatchObject({ available: 15, variants: expect.any(Array) });
    expect((event.payload as { variants: unknown[] }).variants).toHaveLength(2);

    const movements = () => withTenant(vendorId, (tx) => tx.stockMovement.count());
    const before = await movements();
    const again = await importFile("variants-again.csv", rows);
    expect(again.stockChanged).toBe(0);
    expect(await movements()).toBe(before);
  });
});
