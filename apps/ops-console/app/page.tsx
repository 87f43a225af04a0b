import { TopologyBoard } from "../src/topology/topology-board.tsx";
import { OpsShell } from "../src/shell/ops-shell.tsx";
import { getQueryClient, trpc } from "../src/trpc/server.tsx";

export default async function TopologyPage() {
  // First paint comes with a status; the board then polls every 2 s from the browser.
  await getQueryClient().prefetchQuery(trpc.ops.topology.queryOptions());

  return (
    <OpsShell
      current="/"
      title="Topology"
      description="Every process of the local topology, with roles as the systems themselves report them."
    >
      <TopologyBoard />
    </OpsShell>
  );
}
