import { BreakerBoard } from "../../src/telemetry/breaker-board.tsx";
import { LiveSales } from "../../src/telemetry/live-sales.tsx";
import { MetricsCharts } from "../../src/telemetry/metrics-charts.tsx";
import { PaymentProviders } from "../../src/telemetry/payment-providers.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Metrics" };

export default function MetricsPage() {
  return (
    <OpsShell
      current="/metrics"
      title="Metrics"
      description="Scraped by the console itself every 5 s from each process's /metrics (no Prometheus needed)."
    >
      <div className="space-y-4">
        <LiveSales />
        <BreakerBoard />
        <PaymentProviders />
        <MetricsCharts />
      </div>
    </OpsShell>
  );
}
