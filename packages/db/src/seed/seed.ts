/**
 * Deterministic, idempotent demo data. Everything is drawn from one mulberry32 stream in a fixed
 * order, so the same seed number gives the same ids, names, prices and stock on every machine.
 * Inserts are multi-row (`INSERT … SELECT FROM unnest($1::uuid[], …)`) with ON CONFLICT DO
 * NOTHING, so a run that crashed half-way can simply be run again; a `seed_runs` row written last
 * marks completion, and a later run with that marker does nothing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { loadConfig, storageSchema } from "@agora/config";
import { dbConfig } from "../clients/config.ts";
import { createVendor } from "../sharding/create-vendor.ts";
import {
  CATEGORIES,
  CITIES,
  COLORS,
  ADJECTIVES,
  DEMO_PASSWORD,
  MATERIALS,
  VENDORS,
} from "./demo-data.ts";
import { hashPassword } from "./password.ts";
import { mulberry32 } from "./prng.ts";
import { PRODUCT_IMAGE_SIZE, productSvg } from "./product-image.ts";

export interface SeedOptions {
  /** Number of products (default 5000). */
  products?: number;
  /** PRNG seed (default 42). */
  seedNumber?: number;
  /** Marker name in seed_runs (default "demo"); tests use their own to seed separately. */
  runName?: string;
  /** Folder that receives media/products/<id>.svg (default: AGORA_STORAGE_DIR). */
  stateDir?: string;
  /** Number of vendors (default 4, max the built-in list). */
  vendors?: number;
  onProgress?: (event: SeedProgress) => void;
}

export interface SeedProgress {
  phase: "identity" | "vendors" | "products" | "search" | "done";
  done: number;
  total: number;
}

export interface DemoLogin {
  email: string;
  role: string;
  vendor?: string;
}

export interface SeedReport {
  skipped: boolean;
  runName: string;
  seedNumber: number;
  products: number;
  vendors: { id: string; slug: string; shard: string }[];
  logins: DemoLogin[];
  password: string;
  durationMs: number;
}

const BATCH = 1000;

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

async function insertRows(
  client: pg.Pool | pg.PoolClient,
  table: string,
  columns: readonly [string, string][],
  rows: readonly unknown[][],
  conflict = "ON CONFLICT DO NOTHING",
): Promise<void> {
  if (rows.length === 0) return;
  const cols = columns.map(([c]) => c).join(", ");
  const unnest = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(", ");
  const params = columns.map((_, i) => rows.map((r) => r[i]));
  await client.query(
    `INSERT INTO ${table} (${cols}) SELECT * FROM unnest(${unnest}) ${conflict}`,
    params,
  );
}

export async function seed(opts: SeedOptions = {}): Promise<SeedReport> {
  const started = Date.now();
  const productCount = opts.products ?? 5000;
  const seedNumber = opts.seedNumber ?? 42;
  const runName = opts.runName ?? "demo";
  const vendorCount = Math.min(opts.vendors ?? VENDORS.length, VENDORS.length);
  const progress = opts.onProgress ?? (() => undefined);
  const cfg = dbConfig();
  const pools = new Map<string, pg.Pool>();
  const pool = (cluster: string): pg.Pool => {
    let p = pools.get(cluster);
    if (!p) {
      p = new pg.Pool({
        connectionString: cfg.url(cluster, "rw"),
        max: 2,
        connectionTimeoutMillis: cfg.pool.connectionTimeoutMillis,
        statement_timeout: 60_000,
        // The seed writes every tenant of a shard: a platform job under row-level security
        // (docs/adr/0004). Harmless on core, which has no tenant policies.
        options: "-c agora.scope=platform",
      });
      p.on("error", (err) =>
        process.emitWarning(`[agora/db seed] ${cluster}: ${err.message}`, "DatabaseWarning"),
      );
      pools.set(cluster, p);
    }
    return p;
  };
  const prefix = runName === "demo" ? "" : `${runName}-`;
  const logins: DemoLogin[] = [
    { email: `${prefix}admin@agora.local`, role: "admin" },
    { email: `${prefix}operator@agora.local`, role: "operator" },
    { email: `${prefix}shopper@agora.local`, role: "shopper" },
    { email: `${prefix}shopper2@agora.local`, role: "shopper" },
  ];
  const vendorsSpec = VENDORS.slice(0, vendorCount).map((v) => ({
    slug: `${prefix}${v.slug}`,
    name: v.name,
  }));
  for (const v of vendorsSpec) {
    logins.push({ email: `owner@${v.slug}.agora.local`, role: "vendor_owner", vendor: v.slug });
    logins.push({ email: `staff@${v.slug}.agora.local`, role: "vendor_staff", vendor: v.slug });
  }

  try {
    const corePool = pool(cfg.coreCluster);
    const marker = await corePool.query<{ seed_number: number; products: number }>(
      "SELECT seed_number, products FROM seed_runs WHERE name = $1",
      [runName],
    );
    if (marker.rowCount !== 0) {
      const m = marker.rows[0]!;
      const dir = await corePool.query<{ id: string; slug: string; shard: string }>(
        "SELECT v.id, v.slug, d.shard FROM vendors v JOIN shard_directory d ON d.vendor_id = v.id WHERE v.slug = ANY($1) ORDER BY v.slug",
        [vendorsSpec.map((v) => v.slug)],
      );
      return {
        skipped: true,
        runName,
        seedNumber: m.seed_number,
        products: m.products,
        vendors: dir.rows,
        logins,
        password: DEMO_PASSWORD,
        durationMs: Date.now() - started,
      };
    }

    // Other run names (tests) get their own stream so their ids never collide with the demo's.
    const rng = mulberry32(runName === "demo" ? seedNumber : seedNumber ^ fnv1a(runName));

    // ---- identity (core) ------------------------------------------------------------------
    progress({ phase: "identity", done: 0, total: logins.length });
    const categoryRows = CATEGORIES.map((c) => [rng.uuid(), c.slug, c.name]);
    await insertRows(
      corePool,
      "categories",
      [
        ["id", "uuid"],
        ["slug", "text"],
        ["name", "text"],
      ],
      categoryRows,
    );
    const catIds = new Map(
      (
        await corePool.query<{ id: string; slug: string }>(
          "SELECT id, slug FROM categories WHERE slug = ANY($1)",
          [CATEGORIES.map((c) => c.slug)],
        )
      ).rows.map((r) => [r.slug, r.id]),
    );
    const userRows: unknown[][] = [];
    for (const l of logins) {
      const local = l.email.split("@")[0]!;
      userRows.push([
        rng.uuid(),
        l.email,
        `${local.charAt(0).toUpperCase()}${local.slice(1)} (${l.vendor ?? "Agora"})`,
        await hashPassword(DEMO_PASSWORD, rng.bytes(16)),
      ]);
    }
    await insertRows(
      corePool,
      "users",
      [
        ["id", "uuid"],
        ["email", "text"],
        ["name", "text"],
        ["password_hash", "text"],
      ],
      userRows,
    );
    progress({ phase: "identity", done: logins.length, total: logins.length });

    // ---- vendors (placement policy via createVendor) -----------------------------------------
    const vendors: { id: string; slug: string; name: string; shard: string }[] = [];
    for (const v of vendorsSpec) {
      const created = await createVendor({ id: rng.uuid(), slug: v.slug, name: v.name });
      vendors.push({
        id: created.id,
        slug: created.slug,
        name: created.name,
        shard: created.shard,
      });
      progress({ phase: "vendors", done: vendors.length, total: vendorsSpec.length });
    }
    const userIds = new Map(
      (
        await corePool.query<{ id: string; email: string }>(
          "SELECT id, email FROM users WHERE email = ANY($1)",
          [logins.map((l) => l.email)],
        )
      ).rows.map((r) => [r.email, r.id]),
    );
    const vendorBySlug = new Map(vendors.map((v) => [v.slug, v]));
    await insertRows(
      corePool,
      "user_roles",
      [
        ["user_id", "uuid"],
        ["role_name", "text"],
        ["vendor_id", "uuid"],
      ],
      logins.map((l) => [
        userIds.get(l.email),
        l.role,
        l.vendor ? vendorBySlug.get(l.vendor)!.id : null,
      ]),
    );
    await insertRows(
      corePool,
      "ledger_accounts",
      [
        ["code", "text"],
        ["name", "text"],
        ["kind", "text"],
        ["vendor_id", "uuid"],
      ],
      [
        ["platform:cash", "Platform cash (payment provider balance)", "asset", null],
        ["platform:commission", "Platform commission revenue", "revenue", null],
        ["platform:refunds", "Refunds paid", "expense", null],
        ...vendors.map((v) => [
          `vendor:${v.slug}:payable`,
          `Payable to ${v.name}`,
          "liability",
          v.id,
        ]),
      ],
    );

    // Warehouses: two per vendor, on the vendor's shard.
    const warehouses = new Map<string, string[]>();
    for (const v of vendors) {
      const rows = [0, 1].map((i) => [
        rng.uuid(),
        v.id,
        `WH-${i + 1}`,
        `${v.name} ${i === 0 ? "Main" : "Overflow"} Warehouse`,
        rng.pick(CITIES),
      ]);
      const sp = pool(v.shard);
      await insertRows(
        sp,
        "warehouses",
        [
          ["id", "uuid"],
          ["vendor_id", "uuid"],
          ["code", "text"],
          ["name", "text"],
          ["city", "text"],
        ],
        rows,
      );
      const ids = await sp.query<{ id: string }>(
        "SELECT id FROM warehouses WHERE vendor_id = $1 ORDER BY code",
        [v.id],
      );
      warehouses.set(
        v.id,
        ids.rows.map((r) => r.id),
      );
    }

    // ---- products, media, stock (shards) and search rows (core) ------------------------------
    const stateDir = opts.stateDir ?? loadConfig(storageSchema).AGORA_STORAGE_DIR;
    const mediaDir = join(stateDir, "media", "products");
    mkdirSync(mediaDir, { recursive: true });
    let done = 0;
    progress({ phase: "products", done, total: productCount });
    while (done < productCount) {
      const n = Math.min(BATCH, productCount - done);
      const perShard = new Map<
        string,
        {
          products: unknown[][];
          media: unknown[][];
          stock: unknown[][];
          moves: unknown[][];
        }
      >();
      const search: unknown[][] = [];
      for (let i = 0; i < n; i++) {
        const v = vendors[(done + i) % vendors.length]!;
        const cat = rng.pick(CATEGORIES);
        const id = rng.uuid();
        const noun = rng.pick(cat.nouns);
        const title = `${rng.pick(ADJECTIVES)} ${noun} No. ${rng.int(1, 999)}`;
        const description = `A ${rng.pick(COLORS)} ${noun.toLowerCase()} made of ${rng.pick(MATERIALS)}, sold by ${v.name}.`;
        const price = rng.int(3, 400) * 100 + rng.pick([0, 49, 90, 95, 99]);
        const variantSeed = rng.int(0, 1_000_000);
        const file = `${id}.svg`;
        writeFileSync(
          join(mediaDir, file),
          productSvg({ title, category: cat.name, hue: cat.hue, variant: variantSeed }),
        );
        let b = perShard.get(v.shard);
        if (!b)
          perShard.set(
            v.shard,
            (b = { products: [], media: [], stock: [], moves: [] }),
          );
        // A product without variants carries its own SKU and stock (variant_id NULL): no
        // placeholder variant that would list every product twice with no stock of its own.
        const sku = `${v.slug.slice(0, 12).toUpperCase()}-${id.slice(0, 8).toUpperCase()}`;
        b.products.push([id, v.id, catIds.get(cat.slug), cat.slug, title, description, price, sku]);
        b.media.push([
          rng.uuid(),
          v.id,
          id,
          `media/products/${file}`,
          `/media/products/${file}`,
          "image/svg+xml",
          PRODUCT_IMAGE_SIZE.width,
          PRODUCT_IMAGE_SIZE.height,
        ]);
        let total = 0;
        for (const wh of warehouses.get(v.id)!) {
          const onHand = rng.next() < 0.08 ? 0 : rng.int(1, 200);
          total += onHand;
          b.stock.push([v.id, wh, id, onHand]);
          if (onHand > 0) b.moves.push([v.id, wh, id, onHand, `seed:${wh}:${id}`, "seed"]);
        }
        search.push([
          id,
          v.id,
          v.name,
          v.shard,
          cat.slug,
          title,
          description,
          price,
          `/media/products/${file}`,
          total > 0,
          1,
        ]);
      }
      await Promise.all(
        [...perShard.entries()].map(async ([shardName, b]) => {
          const c = await pool(shardName).connect();
          try {
            // One transaction per batch and shard: a product never exists without its stock rows.
            await c.query("BEGIN");
            await insertRows(
              c,
              "products",
              [
                ["id", "uuid"],
                ["vendor_id", "uuid"],
                ["category_id", "uuid"],
                ["category_slug", "text"],
                ["title", "text"],
                ["description", "text"],
                ["price_cents", "int4"],
                ["sku", "text"],
              ],
              b.products,
            );
            await insertRows(
              c,
              "media",
              [
                ["id", "uuid"],
                ["vendor_id", "uuid"],
                ["product_id", "uuid"],
                ["path", "text"],
                ["url", "text"],
                ["content_type", "text"],
                ["width", "int4"],
                ["height", "int4"],
              ],
              b.media,
            );
            await insertRows(
              c,
              "stock_levels",
              [
                ["vendor_id", "uuid"],
                ["warehouse_id", "uuid"],
                ["product_id", "uuid"],
                ["on_hand", "int4"],
              ],
              b.stock,
            );
            await insertRows(
              c,
              "stock_movements",
              [
                ["vendor_id", "uuid"],
                ["warehouse_id", "uuid"],
                ["product_id", "uuid"],
                ["delta_on_hand", "int4"],
                ["idempotency_key", "text"],
                ["reason", "text"],
              ],
              b.moves,
            );
            await c.query("COMMIT");
          } catch (err) {
            await c.query("ROLLBACK");
            throw err;
          } finally {
            c.release();
          }
        }),
      );
      await insertRows(
        corePool,
        "catalog_search",
        [
          ["product_id", "uuid"],
          ["vendor_id", "uuid"],
          ["vendor_name", "text"],
          ["shard", "text"],
          ["category_slug", "text"],
          ["title", "text"],
          ["description", "text"],
          ["price_cents", "int4"],
          ["image_url", "text"],
          ["in_stock", "bool"],
          ["source_version", "int4"],
        ],
        search,
      );
      done += n;
      progress({ phase: "products", done, total: productCount });
    }
    await corePool.query(
      "INSERT INTO seed_runs (name, seed_number, products) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [runName, seedNumber, productCount],
    );
    progress({ phase: "done", done: productCount, total: productCount });
    return {
      skipped: false,
      runName,
      seedNumber,
      products: productCount,
      vendors: vendors.map(({ id, slug, shard }) => ({ id, slug, shard })),
      logins,
      password: DEMO_PASSWORD,
      durationMs: Date.now() - started,
    };
  } finally {
    await Promise.all([...pools.values()].map((p) => p.end()));
  }
}
