import { hasPermission } from "@agora/api/permissions";
import { currentSession } from "../../src/auth/session.ts";
import { ScalingBoard } from "../../src/scaling/scaling-board.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Scaling" };
export const dynamic = "force-dynamic";

export default async function ScalingPage() {
  const session = await currentSession();
  const allowed = session !== null && hasPermission(session.roles, "ops:scale");
  return (
    <OpsShell
      current="/scaling"
      title="Scaling"
      description="The autoscaler in the supervisor: instances per target over time, the decisions it took with the decision core's reasons (HPA rules, KEDA activation), every live storefront instance with its p95, and a sale spike to watch it work."
    >
      {allowed ? (
        <ScalingBoard />
      ) : (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          Scaling needs the ops:scale permission (admins).
        </p>
      )}
    </OpsShell>
  );
}
