import { ChaosBoard } from "../../src/chaos/chaos-board.tsx";
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
      <ChaosBoard />
    </OpsShell>
  );
}
