"use client";

import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_MARGIN, ChartFrame, GRID_STROKE } from "./chart-frame.tsx";

export interface Series {
  key: string;
  label: string;
  color: string;
}

const time = (ms: number) => new Date(ms).toLocaleTimeString("en-GB");

/** How the time axis reads: clock time (live metrics), hours of recent days, or calendar days. */
export type TimeFormat = "time" | "hour" | "day";
const FORMATS: Record<TimeFormat, (ms: number) => string> = {
  time,
  hour: (ms) =>
    new Date(ms).toLocaleString("en-GB", {
      day: "2-digit",
      month: "short",
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "UTC",
    }),
  day: (ms) =>
    new Date(ms).toLocaleDateString("en-GB", { day: "2-digit", month: "short", timeZone: "UTC" }),
};

/** Lines over time; `data` rows carry `t` (epoch ms) and one number per series key. */
export function TimeSeriesChart({
  data,
  series,
  unit = "",
  height = 220,
  timeFormat = "time",
}: {
  data: Array<{ t: number } & Record<string, number | null>>;
  series: Series[];
  unit?: string;
  height?: number;
  timeFormat?: TimeFormat;
}) {
  const format = FORMATS[timeFormat];
  return (
    <ChartFrame height={height} label={series.map((s) => s.label).join(", ")}>
      <LineChart data={data} margin={CHART_MARGIN}>
        <CartesianGrid strokeDasharray="3 3" stroke={GRID_STROKE} />
        <XAxis
          dataKey="t"
          type="number"
          domain={["dataMin", "dataMax"]}
          tickFormatter={format}
          fontSize={11}
        />
        <YAxis fontSize={11} width={48} unit={unit} />
        <Tooltip labelFormatter={(v) => format(Number(v))} />
        <Legend wrapperStyle={{ fontSize: 12 }} />
        {series.map((s) => (
          <Line
            key={s.key}
            type="monotone"
            dataKey={s.key}
            name={s.label}
            stroke={s.color}
            dot={false}
            isAnimationActive={false}
            connectNulls
          />
        ))}
      </LineChart>
    </ChartFrame>
  );
}
