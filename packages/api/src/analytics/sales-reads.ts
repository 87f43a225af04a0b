/**
 * A vendor's sales numbers, read from the rollups (core): revenue over time, KPIs with
 * conversion, and the top products. Rows with productId null are the vendor's own (shipping,
 * partial refunds, its order count), so vendor totals read them and product lists skip them.
 */
import { core } from "@agora/db";
import type { z } from "zod";
import type { periodInput, revenueSeriesInput, topProductsInput } from "./analytics.schema.ts";
import { BUCKET_MS, bucketStart, bucketStarts, type Granularity, recentDays } from "./buckets.ts";

const TABLE: Readonly<Record<Granularity, string>> = {
  hour: "analytics_hourly",
  day: "analytics_daily",
};

export interface SeriesPoint {
  /** Bucket start, epoch ms. */
  t: number;
  revenueCents: number;
  refundCents: number;
  orders: number;
  units: number;
  views: number;
}

interface SumRow {
  revenue: bigint | number | null;
  refunds: bigint | number | null;
  orders: bigint | number | null;
  units: bigint | number | null;
  views: bigint | number | null;
}

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);

// Dashboards tolerate a few seconds of replica lag; the rollups themselves trail the events.
const DASHBOARD_READ = { level: "bounded", maxLagMs: 5_000 } as const;

async function query<T>(sql: string, ...values: unknown[]): Promise<T[]> {
  const { value } = await core().read(DASHBOARD_READ, (db) =>
    db.$queryRawUnsafe<T[]>(sql, ...values),
  );
  return value;
}

/** Vendor-level sums: orders from the vendor's own row, units and views from its products. */
const SUMS = `coalesce(sum(revenue_cents), 0) AS revenue, coalesce(sum(refund_cents), 0) AS refunds,
  coalesce(sum(orders) FILTER (WHERE product_id IS NULL), 0) AS orders,
  coalesce(sum(units), 0) AS units, coalesce(sum(views), 0) AS views`;

export async function revenueSeries(
  vendorId: string,
  input: z.infer<typeof revenueSeriesInput>,
): Promise<{ granularity: Granularity; points: SeriesPoint[] }> {
  const g = input.granularity;
  const to = input.to ?? new Date(bucketStart(new Date(), g).getTime() + BUCKET_MS[g]);
  const from = input.from ?? new Date(to.getTime() - (g === "hour" ? 48 : 30) * BUCKET_MS[g]);
  const rows = await query<SumRow & { bucket_start: Date }>(
    `SELECT bucket_start, ${SUMS} FROM ${TABLE[g]}
      WHERE vendor_id = $1::uuid AND bucket_start >= $2 AND bucket_start < $3
      GROUP BY bucket_start`,
    vendorId,
    bucketStart(from, g),
    to,
  );
  const byBucket = new Map(rows.map((r) => [new Date(r.bucket_start).getTime(), r]));
  return {
    granularity: g,
    // Every bucket of the range, empty ones as zeros, so the chart's time axis is honest.
    points: bucketStarts(from, to, g).map((b) => {
      const r = byBucket.get(b.getTime());
      return {
        t: b.getTime(),
        revenueCents: n(r?.revenue),
        refundCents: n(r?.refunds),
        orders: n(r?.orders),
        units: n(r?.units),
        views: n(r?.views),
      };
    }),
  };
}

export interface SalesKpis {
  from: Date;
  to: Date;
  revenueCents: number;
  refundCents: number;
  netCents: number;
  orders: number;
  units: number;
  views: number;
  /** Orders per product page view; null without views. */
  conversion: number | null;
}

export async function salesKpis(
  vendorId: string,
  input: z.infer<typeof periodInput>,
): Promise<SalesKpis> {
  const { from, to } = recentDays(new Date(), input.days);
  const [r] = await query<SumRow>(
    `SELECT ${SUMS} FROM analytics_daily
      WHERE vendor_id = $1::uuid AND bucket_start >= $2 AND bucket_start < $3`,
    vendorId,
    from,
    to,
  );
  const views = n(r?.views);
  const orders = n(r?.orders);
  return {
    from,
    to,
    revenueCents: n(r?.revenue),
    refundCents: n(r?.refunds),
    netCents: n(r?.revenue) - n(r?.refunds),
    orders,
    units: n(r?.units),
    views,
    conversion: views > 0 ? orders / views : null,
  };
}

export interface TopProduct {
  productId: string;
  title: string;
  revenueCents: number;
  refundCents: number;
  units: number;
  orders: number;
  views: number;
  conversion: number | null;
}

export async function topProducts(
  vendorId: string,
  input: z.infer<typeof topProductsInput>,
): Promise<TopProduct[]> {
  const { from, to } = recentDays(new Date(), input.days);
  const rows = await query<{
    product_id: string;
    title: string | null;
    revenue: bigint;
    refunds: bigint;
    units: bigint;
    orders: bigint;
    views: bigint;
  }>(
    `SELECT d.product_id::text, c.title, sum(d.revenue_cents) AS revenue,
            sum(d.refund_cents) AS refunds, sum(d.units) AS units, sum(d.orders) AS orders,
            sum(d.views) AS views
       FROM analytics_daily d LEFT JOIN catalog_search c ON c.product_id = d.product_id
      WHERE d.vendor_id = $1::uuid AND d.product_id IS NOT NULL
        AND d.bucket_start >= $2 AND d.bucket_start < $3
      GROUP BY d.product_id, c.title
      ORDER BY revenue DESC, units DESC, d.product_id
      LIMIT $4`,
    vendorId,
    from,
    to,
    input.limit,
  );
  return rows.map((r) => {
    const views = n(r.views);
    const orders = n(r.orders);
    return {
      productId: r.product_id,
      title: r.title ?? "(removed product)",
      revenueCents: n(r.revenue),
      refundCents: n(r.refunds),
      units: n(r.units),
      orders,
      views,
      conversion: views > 0 ? orders / views : null,
    };
  });
}
