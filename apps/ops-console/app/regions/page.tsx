import { hasPermission } from "@agora/api/permissions";
import { currentSession } from "../../src/auth/session.ts";
import { RegionBoard } from "../../src/regions/region-board.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Regions" };
export const dynamic = "force-dynamic";

export default async function RegionsPage() {
  const session = await currentSession();
  const canControl = session !== null && hasPermission(session.roles, "ops:regions");
  return (
    <OpsShell
      current="/regions"
      title="Regions"
      description="The regions and what runs in each, the link between them and how stale the remote copy of core is, where each tenant lives, the partition controls, and the region failover drill with its failback and their history (docs/adr/0010)."
    >
      <RegionBoard canControl={canControl} />
    </OpsShell>
  );
}
