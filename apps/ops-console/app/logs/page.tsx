import { LogSearch } from "../../src/telemetry/log-search.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Logs" };

export default async function LogsPage({
  searchParams,
}: {
  searchParams: Promise<{ traceId?: string }>;
}) {
  const { traceId } = await searchParams;
  return (
    <OpsShell
      current="/logs"
      title="Logs"
      description="Structured log lines of every process; filter by trace id, service, level or text."
    >
      <LogSearch initialTraceId={traceId} />
    </OpsShell>
  );
}
