"use client";
/**
 * Chart components (recharts) for numbers people would rather look at than read. A separate entry
 * (`@agora/ui/charts`) so pages without charts do not ship the chart library.
 */
export { TimeSeriesChart, type Series, type TimeFormat } from "./time-series-chart.tsx";
export { CategoryBarChart, type Bar as CategoryBar } from "./category-bar-chart.tsx";
