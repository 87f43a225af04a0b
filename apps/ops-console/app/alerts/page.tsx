import { AlertsBoard } from "../../src/alerts/alerts-board.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";
import { getQueryClient, trpc } from "../../src/trpc/server.tsx";

export const metadata = { title: "Alerts" };

export default async function AlertsPage() {
  await getQueryClient().prefetchQuery(trpc.ops.alerts.overview.queryOptions());
  return (
    <OpsShell
      current="/alerts"
      title="Alerts"
      description="The on-call inbox: alerts firing and resolved, acknowledgement and silences; each journey's 99.9 % SLO with its error budget left and the burn rates the multi-window alerts watch."
    >
      <AlertsBoard />
    </OpsShell>
  );
}
