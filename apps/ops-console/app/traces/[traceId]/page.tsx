import { OpsShell } from "../../../src/shell/ops-shell.tsx";
import { TraceWaterfall } from "../../../src/telemetry/trace-waterfall.tsx";

export const metadata = { title: "Trace" };

export default async function TracePage({ params }: { params: Promise<{ traceId: string }> }) {
  const { traceId } = await params;
  return (
    <OpsShell
      current="/traces"
      title="Trace"
      description={<span className="font-mono break-all">{traceId}</span>}
    >
      <TraceWaterfall traceId={traceId} />
    </OpsShell>
  );
}
