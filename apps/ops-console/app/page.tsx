import { AppShell, PageHeader } from "@agora/ui";
import { UserMenu } from "../src/auth/user-menu.tsx";
import { TopologyBoard } from "../src/topology/topology-board.tsx";
import { getQueryClient, HydrateClient, trpc } from "../src/trpc/server.tsx";

export default async function TopologyPage() {
  // First paint comes with a status; the board then polls every 2 s from the browser.
  await getQueryClient().prefetchQuery(trpc.ops.topology.queryOptions());

  return (
    <AppShell
      title="Agora Ops"
      subtitle="Operations console"
      nav={[{ href: "/", label: "Topology", current: true }]}
      actions={<UserMenu />}
    >
      <PageHeader
        title="Topology"
        description="Every process of the local topology, with roles as the systems themselves report them."
      />
      <HydrateClient>
        <TopologyBoard />
      </HydrateClient>
    </AppShell>
  );
}
