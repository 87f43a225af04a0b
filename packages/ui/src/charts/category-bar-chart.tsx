"use client";

import { Bar as RBar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_MARGIN, ChartFrame, GRID_STROKE } from "./chart-frame.tsx";

export interface Bar {
  key: string;
  label: string;
  color: string;
}

/** Grouped bars per category (`data` rows carry `name` and one number per bar key). */
export function CategoryBarChart({
  data,
  bars,
  unit = "",
  height = 220,
}: {
  data: Array<{ name: string } & Record<string, number | string | null>>;
  bars: Bar[];
  unit?: string;
  height?: number;
}) {
  return (
    <ChartFrame height={height} label={bars.map((b) => b.label).join(", ")}>
      <BarChart data={data} margin={CHART_MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} />
        <XAxis dataKey="name" fontSize={11} />
        <YAxis fontSize={11} width={48} unit={unit} />
        <Tooltip />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {bars.map((b) => (
          <RBar
            key={b.key}
            dataKey={b.key}
            name={b.label}
            fill={b.color}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ChartFrame>
  );
}
