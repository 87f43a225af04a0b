import { hasPermission } from "@agora/api/permissions";
import { DeploymentBoard } from "../../src/deployments/deployment-board.tsx";
import { currentSession } from "../../src/auth/session.ts";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Deployments" };
export const dynamic = "force-dynamic";

export default async function DeploymentsPage() {
  const session = await currentSession();
  const allowed = session !== null && hasPermission(session.roles, "ops:deploy");
  return (
    <OpsShell
      current="/deployments"
      title="Deployments"
      description="Storefront releases: a canary takes 10 → 50 → 100 % of traffic (HAProxy weights) with an analysis of its error rate and p95 at each step; blue-green analyses the new set on its own ports, then switches all traffic at once. A failed analysis rolls back by itself."
    >
      {allowed ? (
        <DeploymentBoard />
      ) : (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          Releases need the ops:deploy permission (admins).
        </p>
      )}
    </OpsShell>
  );
}
