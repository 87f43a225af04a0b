import { ScalingBoard } from "../../src/scaling/scaling-board.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";

export const metadata = { title: "Scaling" };

export default function ScalingPage() {
  return (
    <OpsShell
      current="/scaling"
      title="Scaling"
      description="The autoscaler in the supervisor: instances per target over time, the decisions it took with the decision core's reasons (HPA rules, KEDA activation), and a sale spike to watch it work. Needs the ops:scale permission."
    >
      <ScalingBoard />
    </OpsShell>
  );
}
