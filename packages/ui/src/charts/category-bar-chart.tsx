"use client";

import {
  Bar as RBar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

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
    <div
      style={{ width: "100%", height }}
      role="img"
      aria-label={bars.map((b) => b.label).join(", ")}
    >
      <ResponsiveContainer>
        <BarChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" />
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
      </ResponsiveContainer>
    </div>
  );
}
