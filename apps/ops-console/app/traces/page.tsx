import { OpsShell } from "../../src/shell/ops-shell.tsx";
import { TraceSearch } from "../../src/telemetry/trace-search.tsx";

export const metadata = { title: "Traces" };

export default function TracesPage() {
  return (
    <OpsShell
      current="/traces"
      title="Traces"
      description="Distributed traces from every process (OpenTelemetry → the telemetry collector)."
    >
      <TraceSearch />
    </OpsShell>
  );
}
