import { ChaosBoard } from "../../src/chaos/chaos-board.tsx";
import { SoakRuns } from "../../src/chaos/soak-runs.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";
import { getQueryClient, trpc } from "../../src/trpc/server.tsx";

export const metadata = { title: "Chaos" };

export default async function ChaosPage() {
  await getQueryClient().prefetchQuery(trpc.ops.chaos.overview.queryOptions());
  return (
    <OpsShell
      current="/chaos"
      title="Chaos controls"
      description="Break real processes and links of the topology. Every action is audited and can be undone with one click."
    >
      <div className="space-y-6">
        <ChaosBoard />
        <SoakRuns />
      </div>
    </OpsShell>
  );
}
