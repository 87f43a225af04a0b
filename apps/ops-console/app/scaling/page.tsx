import { RequirePermission } from "../../src/auth/require-permission.tsx";
import { ScalingBoard } from "../../src/scaling/scaling-board.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Scaling" };
export const dynamic = "force-dynamic";

export default function ScalingPage() {
  return (
    <OpsShell
      current="/scaling"
      title="Scaling"
      description="The autoscaler in the supervisor: instances per target over time, the decisions it took with the decision core's reasons (HPA rules, KEDA activation), every live storefront instance with its p95, and a sale spike to watch it work."
    >
      <RequirePermission
        permission="ops:scale"
        refusal="Scaling needs the ops:scale permission (admins)."
      >
        <ScalingBoard />
      </RequirePermission>
    </OpsShell>
  );
}
