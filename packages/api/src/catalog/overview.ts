import { core, type ReadConsistency, type ServedBy, shard, shardNames } from "@agora/db";
import { z } from "zod";
import { cachedList } from "../cache/catalog-caches.ts";
import { withTimeout } from "../data-layer/timeout.ts";

export const catalogOverviewInput = z
  .object({
    /** A browse page tolerates replica lag; "strong" reads the primaries, "bounded" caps the lag. */
    consistency: z.enum(["strong", "bounded", "eventual"]).default("eventual"),
    /** Only for "bounded": the most replica lag (ms) the caller accepts before the primary is used. */
    maxLagMs: z.number().int().min(0).max(60_000).default(1_000),
  })
  .optional();

type OverviewInput = z.infer<typeof catalogOverviewInput>;

function readConsistency(input: OverviewInput): ReadConsistency {
  const level = input?.consistency ?? "eventual";
  return level === "bounded" ? { level, maxLagMs: input?.maxLagMs ?? 1_000 } : { level };
}

export interface VendorSummary {
  id: string;
  slug: string;
  name: string;
  status: string;
  /** Shard that holds this tenant's catalog and stock; null if the directory has no entry yet. */
  shard: string | null;
  /** Null when the vendor's shard could not be read: the page says "unknown", not "0". */
  productCount: number | null;
}

export interface ShardSummary {
  name: string;
  vendorCount: number;
  productCount: number | null;
  /** False when this shard did not answer; the rest of the overview is still served. */
  available: boolean;
  /** Which node answered: shows replica routing (and fallbacks to the primary) on the page. */
  servedBy: ServedBy | null;
  reason?: string;
}

export interface CatalogOverview {
  vendors: VendorSummary[];
  categories: { id: string; slug: string; name: string; parentId: string | null }[];
  shards: ShardSummary[];
  consistency: ReadConsistency["level"];
  /** Which core node served vendors and categories. */
  coreServedBy: ServedBy;
  readAt: Date;
}

const SHARD_TIMEOUT_MS = 2_000;

/**
 * Vendors and categories come from core; product counts from each vendor's shard. Core down means
 * no overview (the data layer raises DatabaseUnavailableError); one shard down only blanks the
 * counts of the vendors it holds.
 *
 * An eventual read (the storefront's home page renders one per request) comes from the catalog's
 * list cache: up to 10 s old, retired at once by a product change (the catalog version), the
 * same staleness the edge already gives this procedure. Its `readAt` and `servedBy` say when and
 * where it was read. "strong" and "bounded" reads always go to the databases.
 */
export async function catalogOverview(input: OverviewInput): Promise<CatalogOverview> {
  const consistency = readConsistency(input);
  if (consistency.level === "eventual")
    return cachedList("overview", {}, () => readOverview(consistency));
  return readOverview(consistency);
}

async function readOverview(consistency: ReadConsistency): Promise<CatalogOverview> {
  const coreRead = await core().read(consistency, (db) =>
    Promise.all([
      db.vendor.findMany({
        select: {
          id: true,
          slug: true,
          name: true,
          status: true,
          shard: { select: { shard: true } },
        },
        orderBy: { name: "asc" },
      }),
      db.category.findMany({
        select: { id: true, slug: true, name: true, parentId: true },
        orderBy: { name: "asc" },
      }),
    ]),
  );
  const [vendors, categories] = coreRead.value;

  const names = [
    ...new Set([...shardNames(), ...vendors.flatMap((v) => (v.shard ? [v.shard.shard] : []))]),
  ];
  const counts = await Promise.all(
    names.map(async (name) => {
      try {
        const { value: rows, servedBy } = await withTimeout(
          `product counts on ${name}`,
          SHARD_TIMEOUT_MS,
          // Row-level security hides every tenant's products from an unscoped query; this
          // SECURITY DEFINER function returns counts only (migrations/shard/0004).
          shard(name).read(
            consistency,
            (db) =>
              db.$queryRaw<{ vendor_id: string; products: bigint | number }[]>`
              SELECT vendor_id::text, products FROM vendor_product_counts()`,
          ),
        );
        return {
          name,
          servedBy,
          perVendor: new Map(rows.map((r) => [r.vendor_id, Number(r.products)])),
        };
      } catch (err) {
        // A shard outage is reported per shard rather than failing the whole page.
        if (!(err instanceof Error)) throw err;
        return { name, servedBy: null, perVendor: undefined, reason: err.message };
      }
    }),
  );
  const byShard = new Map(counts.map((c) => [c.name, c]));

  return {
    vendors: vendors.map((v) => {
      const shardName = v.shard?.shard ?? null;
      const perVendor = shardName ? byShard.get(shardName)?.perVendor : undefined;
      return {
        id: v.id,
        slug: v.slug,
        name: v.name,
        status: v.status,
        shard: shardName,
        productCount: perVendor ? (perVendor.get(v.id) ?? 0) : null,
      };
    }),
    categories,
    shards: counts.map((c) => ({
      name: c.name,
      vendorCount: vendors.filter((v) => v.shard?.shard === c.name).length,
      productCount: c.perVendor ? [...c.perVendor.values()].reduce((a, b) => a + b, 0) : null,
      available: c.perVendor !== undefined,
      servedBy: c.servedBy,
      ...(c.reason ? { reason: c.reason } : {}),
    })),
    consistency: consistency.level,
    coreServedBy: coreRead.servedBy,
    readAt: new Date(),
  };
}
