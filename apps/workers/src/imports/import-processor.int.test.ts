/**
 * A 10,000-row CSV import against the real topology: written in batches (one shard transaction
 * each) with progress reaching 100 %, row errors collected, and a re-run of the same file that
 * changes no row counts.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { closeAll, core, createVendor, withTenant } from "@agora/db";
import { csvLine, PRODUCT_CSV_COLUMNS } from "@agora/api/imports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processImport } from "./import-processor.ts";

const run = randomUUID().slice(0, 8);
const dir = mkdtempSync(join(tmpdir(), "agora-import-"));
const ROWS = 10_000;
let vendorId: string;
let importId: string;

beforeAll(async () => {
  await core().primary.$queryRaw`SELECT 1`;
  const category = `import-${run}`;
  await core().primary.category.create({ data: { slug: category, name: `Import ${run}` } });
  vendorId = (await createVendor({ slug: `imp-${run}`, name: "Import Tenant", shard: "shard-2" })).id;
  await withTenant(vendorId, (tx) =>
    tx.warehouse.createMany({
      data: [
        { vendorId, code: "A", name: "A" },
        { vendorId, code: "B", name: "B" },
      ],
    }),
  );
  // 5,000 products × 2 warehouses, plus 3 broken rows the import must report, not write.
  const lines = [csvLine(PRODUCT_CSV_COLUMNS)];
  for (let i = 0; i < ROWS / 2; i++)
    for (const w of ["A", "B"])
      lines.push(csvLine([`SKU-${i}`, `Item ${i}, "quoted"`, "", category, "9.99", "EUR", "active", w, i % 50]));
  lines.push(csvLine(["", "no sku", "", category, "1.00", "EUR", "active", "A", 1]));
  lines.push(csvLine(["BAD-PRICE", "x", "", category, "1.999", "EUR", "active", "A", 1]));
  lines.push(csvLine(["NO-WH", "x", "", category, "1.00", "EUR", "active", "Z", 1]));
  const path = join(dir, "catalog.csv");
  writeFileSync(path, `${lines.join("\r\n")}\r\n`);
  importId = (
    await core().primary.importJob.create({
      data: { vendorId, fileName: "catalog.csv", fileHash: run, filePath: path },
    })
  ).id;
});

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeAll();
});

async function counts() {
  return withTenant(vendorId, async (tx) => ({
    products: await tx.product.count(),
    stockLevels: await tx.stockLevel.count(),
    movements: await tx.stockMovement.count(),
    outbox: await tx.outbox.count(),
  }));
}

describe("bulk CSV import", () => {
  it("imports 10,000 rows in batches, reports progress up to 100 % and collects row errors", async () => {
    const progress: number[] = [];
    const r = await processImport(
      { importId, vendorId },
      { batchSize: 1000, onProgress: (p) => void progress.push(p.percent) },
    );
    expect(r.total).toBe(ROWS + 3);
    expect(r.written).toBe(ROWS);
    expect(r.errors.map((e) => [e.line, e.field])).toEqual([
      [ROWS + 2, "sku"],
      [ROWS + 3, "price"],
      [ROWS + 4, "warehouse"],
    ]);
    // One report before the first batch and one after each of the 10 batches.
    expect(progress).toHaveLength(11);
    expect(progress.at(-1)).toBe(100);
    expect([...progress].sort((x, y) => x - y)).toEqual(progress);
    const job = await core().primary.importJob.findUniqueOrThrow({ where: { id: importId } });
    expect({ status: job.status, processed: job.processedRows, errorRows: job.errorRows }).toEqual({
      status: "done",
      processed: ROWS + 3,
      errorRows: 3,
    });
    const c = await counts();
    expect(c.products).toBe(ROWS / 2);
    expect(c.stockLevels).toBe(ROWS);
    const title = await withTenant(vendorId, (tx) =>
      tx.product.findFirstOrThrow({ where: { sku: "SKU-7" }, select: { title: true } }),
    );
    expect(title.title).toBe('Item 7, "quoted"');
  });

  it("changes nothing when the same file runs again", async () => {
    const before = await counts();
    const r = await processImport({ importId, vendorId }, { batchSize: 1000 });
    expect(r.productsChanged).toBe(0);
    expect(r.stockChanged).toBe(0);
    expect(await counts()).toEqual(before);
  });
});
