import { DrillBoard } from "../../src/drills/drill-board.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";
import { getQueryClient, trpc } from "../../src/trpc/server.tsx";

export const metadata = { title: "Failover drills" };

export default async function DrillsPage() {
  await getQueryClient().prefetchQuery(trpc.ops.drills.list.queryOptions());
  return (
    <OpsShell
      current="/drills"
      title="Failover drills"
      description="Crash or freeze a cluster's primary while synthetic checkouts run; get RTO, lost writes, checkout impact and the invariants checked afterwards."
    >
      <DrillBoard />
    </OpsShell>
  );
}
