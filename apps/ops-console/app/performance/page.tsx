import { BenchHistory } from "../../src/telemetry/bench-history.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Performance" };

export default function PerformancePage() {
  return (
    <OpsShell
      current="/performance"
      title="Performance"
      description="Every run of `npm run bench` against this deployment: throughput as a share of a bare Node server measured in the same run, latency, checkout end to end, idle cost."
    >
      <BenchHistory />
    </OpsShell>
  );
}
