import type { RouterOutputs } from "@agora/api";
import {
  Badge,
  type BadgeTone,
  Card,
  EmptyState,
  formatPrice,
  Stat,
  StatGroup,
  Table,
  type Column,
} from "@agora/ui";
import { api, orUnavailable } from "../trpc/server.tsx";
import { LiveSales } from "./live-sales.tsx";
import { RevenueChart, TopProductsChart } from "./sales-charts.tsx";

/** The dashboard's period choices: hours of the last two days, or days of the last month/quarter. */
export const RANGES = {
  "48h": { label: "2 days", granularity: "hour", days: 2 },
  "30d": { label: "30 days", granularity: "day", days: 30 },
  "90d": { label: "90 days", granularity: "day", days: 90 },
} as const;
export type RangeKey = keyof typeof RANGES;

export function rangeOf(value: string | string[] | undefined): RangeKey {
  return typeof value === "string" && value in RANGES ? (value as RangeKey) : "30d";
}

type StockRow = RouterOutputs["vendor"]["analytics"]["stockHealth"]["products"][number];
type Reconcile = RouterOutputs["vendor"]["analytics"]["lastReconcile"];

const STOCK_TONE: Record<StockRow["status"], BadgeTone> = {
  out: "danger",
  low: "warning",
  ok: "success",
};

const stockColumns: Column<StockRow>[] = [
  { key: "title", header: "Product", cell: (r) => <span className="font-medium">{r.title}</span> },
  { key: "available", header: "Available", align: "right", cell: (r) => r.available },
  {
    key: "onHand",
    header: "On hand",
    align: "right",
    hideOnMobile: true,
    cell: (r) => r.onHand,
  },
  {
    key: "threshold",
    header: "Low at",
    align: "right",
    hideOnMobile: true,
    cell: (r) => r.threshold,
  },
  {
    key: "status",
    header: "Health",
    cell: (r) => <Badge tone={STOCK_TONE[r.status]}>{r.status}</Badge>,
  },
];

function NotAvailable({ what, reason }: { what: string; reason: string }) {
  return <EmptyState tone="error" title={`${what} unavailable right now`} description={reason} />;
}

function ReconcileStatus({ run }: { run: Reconcile }) {
  if (!run) return <p className="text-sm text-zinc-500">The nightly reconcile has not run yet.</p>;
  const tone: BadgeTone =
    run.status === "failed" ? "danger" : run.vendorDifferences > 0 ? "warning" : "success";
  const label =
    run.status === "failed"
      ? "failed"
      : run.vendorDifferences > 0
        ? `${run.vendorDifferences} corrected`
        : "numbers confirmed";
  return (
    <div className="space-y-1 text-sm">
      <Badge tone={tone}>{label}</Badge>
      <p className="text-zinc-600 dark:text-zinc-400">
        {run.rangeStart.toISOString().slice(0, 10)} → {run.rangeEnd.toISOString().slice(0, 10)}{" "}
        recomputed from {run.eventsRead} order events and {run.viewsRead} views,{" "}
        {(run.finishedAt ?? run.startedAt).toISOString().slice(0, 16).replace("T", " ")} UTC.
      </p>
    </div>
  );
}

/**
 * Sales analytics of the signed-in vendor: KPIs, revenue over time, top products, stock health
 * and the last batch reconcile. Each panel loads on its own, so one unavailable source (say, the
 * shard for stock) leaves the others on the page.
 */
export async function SalesDashboard({ range }: { range: RangeKey }) {
  const { granularity, days } = RANGES[range];
  const analytics = (await api()).vendor.analytics;
  const [kpis, series, top, stock, reconcile] = await Promise.all([
    orUnavailable(analytics.kpis({ days })),
    orUnavailable(analytics.revenue({ granularity })),
    orUnavailable(analytics.topProducts({ days, limit: 8 })),
    orUnavailable(analytics.stockHealth({ limit: 20 })),
    orUnavailable(analytics.lastReconcile()),
  ]);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <nav aria-label="Period" className="flex flex-wrap gap-2 text-sm">
          {(Object.keys(RANGES) as RangeKey[]).map((k) => (
            <a
              key={k}
              href={`/?range=${k}`}
              aria-current={k === range ? "page" : undefined}
              className={
                k === range
                  ? "rounded-full bg-brand-600 px-3 py-1 font-medium text-white"
                  : "rounded-full border border-zinc-300 px-3 py-1 hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
              }
            >
              {RANGES[k].label}
            </a>
          ))}
        </nav>
        {/* Only for roles that may read the figures (the stream checks the same permission). */}
        {kpis.ok && <LiveSales />}
      </div>
      {kpis.ok ? (
        <StatGroup>
          <Stat
            label="Revenue"
            value={formatPrice(kpis.data.revenueCents)}
            hint={`net ${formatPrice(kpis.data.netCents)}`}
          />
          <Stat label="Refunds" value={formatPrice(kpis.data.refundCents)} />
          <Stat label="Orders" value={kpis.data.orders} hint={`${kpis.data.units} units`} />
          <Stat
            label="Conversion"
            value={
              kpis.data.conversion === null ? "–" : `${(kpis.data.conversion * 100).toFixed(1)} %`
            }
            hint={`${kpis.data.views} product views`}
          />
        </StatGroup>
      ) : (
        <NotAvailable what="Sales figures" reason={kpis.reason} />
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        <Card
          title="Revenue over time"
          description={`Per ${granularity}, UTC; refunds on the day they were paid back.`}
        >
          {series.ok ? (
            <RevenueChart series={series.data} />
          ) : (
            <NotAvailable what="Revenue" reason={series.reason} />
          )}
        </Card>
        <Card title="Top products" description={`By revenue, last ${RANGES[range].label}.`}>
          {!top.ok ? (
            <NotAvailable what="Top products" reason={top.reason} />
          ) : top.data.length === 0 ? (
            <p className="text-sm text-zinc-500">No sales in this period yet.</p>
          ) : (
            <TopProductsChart products={top.data} />
          )}
        </Card>
      </div>
      <div className="grid gap-4 lg:grid-cols-3">
        <Card
          className="lg:col-span-2"
          title="Stock health"
          aside={
            stock.ok ? (
              <span className="flex gap-1">
                <Badge tone="danger">{stock.data.counts.out} out</Badge>
                <Badge tone="warning">{stock.data.counts.low} low</Badge>
              </span>
            ) : null
          }
          description="Available units (all warehouses) against each product's low-stock threshold."
        >
          {stock.ok ? (
            <Table
              columns={stockColumns}
              rows={stock.data.products}
              rowKey={(r) => r.productId}
              caption="Stock health per product"
              empty={<p className="text-sm text-zinc-500">No products yet.</p>}
            />
          ) : (
            <NotAvailable what="Stock health" reason={stock.reason} />
          )}
        </Card>
        <Card
          title="Last reconcile"
          description="A nightly batch recomputes these numbers from the orders and corrects them."
        >
          {reconcile.ok ? (
            <ReconcileStatus run={reconcile.data} />
          ) : (
            <NotAvailable what="Reconcile status" reason={reconcile.reason} />
          )}
        </Card>
      </div>
    </div>
  );
}
