/**
 * Processes one bulk CSV import (core `import_jobs` row): validate every row with the shared zod
 * schema (row errors are collected, never fatal), then write in batches — each batch ONE shard
 * transaction under the vendor's tenant scope — upserting products by SKU and setting absolute
 * stock per warehouse, of the product itself or, with the optional `variant` column, of that variant
 * (created under the product when its SKU is new). Re-running the same file changes nothing: unchanged products keep their
 * version, unchanged stock writes no movement, and no events are emitted for either.
 */
import { readFile } from "node:fs/promises";
import { core, type ShardTransaction, withTenant } from "@agora/db";
import {
  type ImportJobData,
  missingColumns,
  type ProductCsvRow,
  type RowError,
  validateCsvRow,
} from "@agora/api/imports";
import { parse } from "csv-parse/sync";

export interface ImportProgress {
  processed: number;
  total: number;
  percent: number;
}

export interface ImportOptions {
  batchSize?: number;
  onProgress?: (p: ImportProgress) => Promise<void> | void;
}

export interface ImportResult {
  total: number;
  written: number;
  errors: RowError[];
  productsChanged: number;
  stockChanged: number;
}

/** Row errors kept on the job (the download); a file with more is reported by count only. */
const MAX_STORED_ERRORS = 5_000;

interface ValidRow {
  line: number;
  row: ProductCsvRow;
  categoryId: string;
  warehouseId: string;
}

/** The whole file's rows, validated; a broken header fails the import as a whole. */
export function parseImportFile(
  content: Buffer | string,
): { header: string[]; rows: { line: number; record: Record<string, string> }[] } {
  const parsed = parse(content, {
    columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    info: true,
  }) as { record: Record<string, string>; info: { lines: number } }[];
  const header = parsed[0] ? Object.keys(parsed[0].record) : [];
  return { header, rows: parsed.map((p) => ({ line: p.info.lines, record: p.record })) };
}

export class ImportFileError extends Error {
  readonly code = "IMPORT_FILE_INVALID";
  constructor(message: string) {
    super(message);
    this.name = "ImportFileError";
  }
}

/**
 * The batch's variant SKUs → their variant and product: new SKUs are created under the row's
 * product (title = SKU, editable later in the product editor).
 */
async function resolveVariants(
  tx: ShardTransaction,
  vendorId: string,
  batch: ValidRow[],
  productIdOf: Map<string, string>,
): Promise<Map<string, { id: string; productId: string }>> {
  const wanted = new Map<string, string>();
  for (const r of batch)
    if (r.row.variant && !wanted.has(r.row.variant))
      wanted.set(r.row.variant, productIdOf.get(r.row.sku)!);
  if (wanted.size === 0) return new Map();
  await tx.$executeRawUnsafe(
    `INSERT INTO product_variants (vendor_id, product_id, sku, title)
     SELECT $1::uuid, i.product_id, i.sku, i.sku
       FROM unnest($2::text[], $3::uuid[]) AS i(sku, product_id)
     ON CONFLICT (vendor_id, sku) DO NOTHING`,
    vendorId,
    [...wanted.keys()],
    [...wanted.values()],
  );
  const found = await tx.$queryRawUnsafe<{ id: string; sku: string; product_id: string }[]>(
    `SELECT id::text, sku, product_id::text FROM product_variants
      WHERE vendor_id = $1::uuid AND sku = ANY($2::text[])`,
    vendorId,
    [...wanted.keys()],
  );
  return new Map(found.map((v) => [v.sku, { id: v.id, productId: v.product_id }]));
}

async function writeBatch(
  tx: ShardTransaction,
  vendorId: string,
  importId: string,
  batch: ValidRow[],
  errors: RowError[],
): Promise<{ productsChanged: number; stockChanged: number; written: number }> {
  // Products: one statement per batch; the first row of a SKU in the batch carries its fields.
  const bySku = new Map<string, ValidRow>();
  for (const r of batch) if (!bySku.has(r.row.sku)) bySku.set(r.row.sku, r);
  const products = [...bySku.values()];
  const changed = await tx.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO products (vendor_id, sku, category_id, category_slug, title, description, price_cents, currency, status)
     SELECT $1::uuid, r.sku, r.category_id, r.category_slug, r.title, r.description, r.price_cents, r.currency, r.status
       FROM unnest($2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[])
            AS r(sku, category_id, category_slug, title, description, price_cents, currency, status)
     ON CONFLICT (vendor_id, sku) DO UPDATE SET
       category_id = EXCLUDED.category_id, category_slug = EXCLUDED.category_slug, title = EXCLUDED.title,
       description = EXCLUDED.description, price_cents = EXCLUDED.price_cents, currency = EXCLUDED.currency,
       status = EXCLUDED.status, version = products.version + 1, updated_at = now()
     WHERE (products.category_slug, products.title, products.description, products.price_cents,
            products.currency, products.status)
           IS DISTINCT FROM (EXCLUDED.category_slug, EXCLUDED.title, EXCLUDED.description,
            EXCLUDED.price_cents, EXCLUDED.currency, EXCLUDED.status)
     RETURNING id::text`,
    vendorId,
    products.map((p) => p.row.sku),
    products.map((p) => p.categoryId),
    products.map((p) => p.row.category),
    products.map((p) => p.row.title),
    products.map((p) => p.row.description),
    products.map((p) => p.row.price),
    products.map((p) => p.row.currency),
    products.map((p) => p.row.status),
  );
  if (changed.length > 0)
    // ProductUpserted (contract in @agora/db catalog-events), set-based for the changed rows only.
    await tx.$executeRawUnsafe(
      `INSERT INTO outbox (vendor_id, aggregate_type, aggregate_id, event_type, payload)
       SELECT p.vendor_id, 'product', p.id::text, 'ProductUpserted', jsonb_build_object(
                'productId', p.id, 'vendorId', p.vendor_id, 'vendorName', v.name, 'title', p.title,
                'description', p.description, 'categorySlug', p.category_slug, 'priceCents', p.price_cents,
                'currency', p.currency, 'status', p.status, 'version', p.version,
                'imageUrl', (SELECT m.url FROM media m WHERE m.product_id = p.id AND m.kind = 'image' ORDER BY m.position LIMIT 1))
         FROM products p JOIN vendors v ON v.id = p.vendor_id
        WHERE p.id = ANY($1::uuid[])
        ORDER BY p.id`,
      changed.map((c) => c.id),
    );
  const ids = await tx.$queryRawUnsafe<{ id: string; sku: string }[]>(
    `SELECT id::text, sku FROM products WHERE vendor_id = $1::uuid AND sku = ANY($2::text[])`,
    vendorId,
    products.map((p) => p.row.sku),
  );
  const productIdOf = new Map(ids.map((r) => [r.sku, r.id]));
  const variants = await resolveVariants(tx, vendorId, batch, productIdOf);

  // Stock: absolute on_hand per (product, variant, warehouse); never below what checkouts reserved.
  const wanted = batch.flatMap((r) => {
    const productId = productIdOf.get(r.row.sku)!;
    const variant = r.row.variant ? variants.get(r.row.variant) : undefined;
    if (r.row.variant && variant?.productId !== productId) {
      errors.push({
        line: r.line,
        field: "variant",
        message: `variant ${r.row.variant} belongs to another product than sku ${r.row.sku}`,
      });
      return [];
    }
    const variantId = variant?.id ?? null;
    return [{ line: r.line, productId, variantId, warehouseId: r.warehouseId, onHand: r.row.on_hand }];
  });
  const current = await tx.$queryRawUnsafe<
    {
      product_id: string;
      variant_id: string | null;
      warehouse_id: string;
      on_hand: number;
      reserved: number;
    }[]
  >(
    `SELECT s.product_id::text, s.variant_id::text, s.warehouse_id::text, s.on_hand, s.reserved
       FROM stock_levels s
       JOIN unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS i(product_id, variant_id, warehouse_id)
         ON s.product_id = i.product_id AND s.warehouse_id = i.warehouse_id
        AND s.variant_id IS NOT DISTINCT FROM i.variant_id
        FOR UPDATE OF s`,
    wanted.map((w) => w.productId),
    wanted.map((w) => w.variantId),
    wanted.map((w) => w.warehouseId),
  );
  const key = (p: string, v: string | null, w: string) => `${p}/${v ?? ""}/${w}`;
  const before = new Map(current.map((c) => [key(c.product_id, c.variant_id, c.warehouse_id), c]));
  const writes: (typeof wanted[number] & { delta: number })[] = [];
  for (const w of wanted) {
    const old = before.get(key(w.productId, w.variantId, w.warehouseId));
    if (old && w.onHand < old.reserved) {
      errors.push({
        line: w.line,
        field: "on_hand",
        message: `on_hand ${w.onHand} is below the ${old.reserved} units reserved by open orders`,
      });
      continue;
    }
    if (old && old.on_hand === w.onHand) continue;
    writes.push({ ...w, delta: w.onHand - (old?.on_hand ?? 0) });
  }
  if (writes.length > 0) {
    await tx.$executeRawUnsafe(
      `INSERT INTO stock_levels (vendor_id, product_id, variant_id, warehouse_id, on_hand)
       SELECT $1::uuid, i.product_id, i.variant_id, i.warehouse_id, i.on_hand
         FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int[]) AS i(product_id, variant_id, warehouse_id, on_hand)
       ON CONFLICT (warehouse_id, product_id, variant_id) DO UPDATE
         SET on_hand = EXCLUDED.on_hand, version = stock_levels.version + 1, updated_at = now()`,
      vendorId,
      writes.map((w) => w.productId),
      writes.map((w) => w.variantId),
      writes.map((w) => w.warehouseId),
      writes.map((w) => w.onHand),
    );
    const moved = writes.filter((w) => w.delta !== 0);
    if (moved.length > 0)
      await tx.$executeRawUnsafe(
        `INSERT INTO stock_movements (vendor_id, warehouse_id, product_id, variant_id, delta_on_hand, reason, reference)
         SELECT $1::uuid, i.warehouse_id, i.product_id, i.variant_id, i.delta, 'import', $6
           FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::int[]) AS i(product_id, variant_id, warehouse_id, delta)`,
        vendorId,
        moved.map((w) => w.productId),
        moved.map((w) => w.variantId),
        moved.map((w) => w.warehouseId),
        moved.map((w) => w.delta),
        `import:${importId}`,
      );
    // StockChanged (contract in @agora/db catalog-events: the product's total and per-variant
    // sums after the change), one per product, set-based.
    await tx.$executeRawUnsafe(
      `INSERT INTO outbox (vendor_id, aggregate_type, aggregate_id, event_type, payload)
       SELECT $1::uuid, 'stock', t.product_id::text, 'StockChanged',
              jsonb_build_object('productId', t.product_id, 'vendorId', $1::uuid,
                                 'available', sum(t.available)::int,
                                 'variants', coalesce(
                                   jsonb_agg(jsonb_build_object('variantId', t.variant_id, 'available', t.available)
                                             ORDER BY t.variant_id) FILTER (WHERE t.variant_id IS NOT NULL),
                                   '[]'::jsonb))
         FROM (SELECT s.product_id, s.variant_id, sum(s.on_hand - s.reserved)::int AS available
                 FROM stock_levels s
                WHERE s.vendor_id = $1::uuid AND s.product_id = ANY($2::uuid[])
                GROUP BY s.product_id, s.variant_id) t
        GROUP BY t.product_id
        ORDER BY t.product_id`,
      vendorId,
      [...new Set(writes.map((w) => w.productId))],
    );
  }
  return { productsChanged: changed.length, stockChanged: writes.length, written: batch.length };
}

/** Runs the import job `data`; safe to run again (BullMQ retry, re-upload of the same file). */
export async function processImport(
  data: ImportJobData,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const batchSize = options.batchSize ?? 500;
  const db = core().primary;
  const job = await db.importJob.findFirst({ where: { id: data.importId, vendorId: data.vendorId } });
  if (!job) throw new ImportFileError(`import ${data.importId} of vendor ${data.vendorId} does not exist`);
  try {
    const { header, rows } = parseImportFile(await readFile(job.filePath));
    const missing = missingColumns(header);
    if (missing.length > 0) throw new ImportFileError(`missing column(s): ${missing.join(", ")}`);
    const total = rows.length;
    await db.importJob.update({
      where: { id: job.id },
      data: { status: "running", totalRows: total, processedRows: 0, errorRows: 0, errors: [], failure: null },
    });

    const categories = new Map(
      (await db.category.findMany({ select: { id: true, slug: true } })).map((c) => [c.slug, c.id]),
    );
    const warehouses = new Map(
      (
        await withTenant(data.vendorId, (tx) =>
          tx.warehouse.findMany({ where: { vendorId: data.vendorId }, select: { id: true, code: true } }),
        )
      ).map((w) => [w.code, w.id]),
    );
    const errors: RowError[] = [];
    const valid: ValidRow[] = [];
    const seen = new Set<string>();
    for (const { line, record } of rows) {
      const v = validateCsvRow(record, line);
      if (!v.ok) {
        errors.push(...v.errors);
        continue;
      }
      const categoryId = categories.get(v.row.category);
      const warehouseId = warehouses.get(v.row.warehouse);
      if (!categoryId) errors.push({ line, field: "category", message: `unknown category "${v.row.category}"` });
      if (!warehouseId)
        errors.push({ line, field: "warehouse", message: `unknown warehouse code "${v.row.warehouse}"` });
      if (!categoryId || !warehouseId) continue;
      const pair = `${v.row.sku}\u0000${v.row.variant ?? ""}\u0000${v.row.warehouse}`;
      if (seen.has(pair)) {
        const what = v.row.variant ? `sku ${v.row.sku} variant ${v.row.variant}` : `sku ${v.row.sku}`;
        errors.push({ line, field: "sku", message: `${what} appears twice for warehouse ${v.row.warehouse}` });
        continue;
      }
      seen.add(pair);
      valid.push({ line, row: v.row, categoryId, warehouseId });
    }

    let processed = total - valid.length;
    const report = async () => {
      const percent = total === 0 ? 100 : Math.floor((processed / total) * 100);
      await db.importJob.update({ where: { id: job.id }, data: { processedRows: processed } });
      await options.onProgress?.({ processed, total, percent });
    };
    await report();
    let productsChanged = 0;
    let stockChanged = 0;
    for (let i = 0; i < valid.length; i += batchSize) {
      const batch = valid.slice(i, i + batchSize);
      const r = await withTenant(
        data.vendorId,
        (tx) => writeBatch(tx, data.vendorId, job.id, batch, errors),
        { timeout: 120_000, maxWait: 20_000 },
      );
      productsChanged += r.productsChanged;
      stockChanged += r.stockChanged;
      processed += batch.length;
      await report();
    }
    const errorLines = new Set(errors.map((e) => e.line)).size;
    await db.importJob.update({
      where: { id: job.id },
      data: {
        status: "done",
        processedRows: total,
        errorRows: errorLines,
        errors: errors.slice(0, MAX_STORED_ERRORS) as unknown as object[],
      },
    });
    return { total, written: valid.length, errors, productsChanged, stockChanged };
  } catch (err) {
    await db.importJob.update({
      where: { id: job.id },
      data: { status: "failed", failure: err instanceof Error ? err.message : String(err) },
    });
    throw err;
  }
}
