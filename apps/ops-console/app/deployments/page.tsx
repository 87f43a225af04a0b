import { DeploymentBoard } from "../../src/deployments/deployment-board.tsx";
import { RequirePermission } from "../../src/auth/require-permission.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Deployments" };
export const dynamic = "force-dynamic";

export default function DeploymentsPage() {
  return (
    <OpsShell
      current="/deployments"
      title="Deployments"
      description="Storefront releases: a canary takes 10 → 50 → 100 % of traffic (HAProxy weights) with an analysis of its error rate and p95 at each step; blue-green analyses the new set on its own ports, then switches all traffic at once. A failed analysis rolls back by itself."
    >
      <RequirePermission
        permission="ops:deploy"
        refusal="Releases need the ops:deploy permission (admins)."
      >
        <DeploymentBoard />
      </RequirePermission>
    </OpsShell>
  );
}
