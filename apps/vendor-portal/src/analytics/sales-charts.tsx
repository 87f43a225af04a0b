"use client";

import type { RouterOutputs } from "@agora/api";
import { CategoryBarChart, TimeSeriesChart } from "@agora/ui/charts";

type Series = RouterOutputs["vendor"]["analytics"]["revenue"];
type TopProducts = RouterOutputs["vendor"]["analytics"]["topProducts"];

const euros = (cents: number) => Math.round(cents) / 100;

/** Revenue and refunds per bucket, in euros. */
export function RevenueChart({ series }: { series: Series }) {
  const data = series.points.map((p) => ({
    t: p.t,
    revenue: euros(p.revenueCents),
    refunds: euros(p.refundCents),
  }));
  return (
    <TimeSeriesChart
      data={data}
      series={[
        { key: "revenue", label: "Revenue (€)", color: "#4f46e5" },
        { key: "refunds", label: "Refunds (€)", color: "#dc2626" },
      ]}
      timeFormat={series.granularity}
      height={240}
    />
  );
}

/** Best sellers by revenue; titles shortened so the axis stays readable on a phone. */
export function TopProductsChart({ products }: { products: TopProducts }) {
  const data = products.map((p) => ({
    name: p.title.length > 18 ? `${p.title.slice(0, 17)}…` : p.title,
    revenue: euros(p.revenueCents),
    units: p.units,
  }));
  return (
    <CategoryBarChart
      data={data}
      bars={[
        { key: "revenue", label: "Revenue (€)", color: "#4f46e5" },
        { key: "units", label: "Units", color: "#16a34a" },
      ]}
      height={240}
    />
  );
}
