"use client";

import type { ReactElement } from "react";
import { ResponsiveContainer } from "recharts";

/** What every chart shares: full width, a fixed height, and a label for screen readers. */
export function ChartFrame({
  height,
  label,
  children,
}: {
  height: number;
  label: string;
  children: ReactElement;
}) {
  return (
    <div style={{ width: "100%", height }} role="img" aria-label={label}>
      <ResponsiveContainer>{children}</ResponsiveContainer>
    </div>
  );
}

export const CHART_MARGIN = { top: 8, right: 12, bottom: 0, left: 0 } as const;
export const GRID_STROKE = "#e4e4e7";
