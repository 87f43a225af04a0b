import { CheckoutLine } from "../../src/queues/checkout-line.tsx";
import { QueueBoard } from "../../src/queues/queue-board.tsx";
import { ReconcileRuns } from "../../src/queues/reconcile-runs.tsx";
import { OpsShell } from "../../src/shell/ops-shell.tsx";
import { getQueryClient, trpc } from "../../src/trpc/server.tsx";

export const metadata = { title: "Queues and sagas" };

export default async function QueuesPage() {
  await getQueryClient().prefetchQuery(trpc.ops.queues.list.queryOptions());
  return (
    <OpsShell
      current="/queues"
      title="Queues and sagas"
      description="Every BullMQ queue with its depth, the age of its oldest waiting job, failed jobs and dead letters; each order's saga step by step; the checkout line in front of them."
    >
      <CheckoutLine />
      <div className="mt-6">
        <QueueBoard />
      </div>
      <div className="mt-6">
        <ReconcileRuns />
      </div>
    </OpsShell>
  );
}
