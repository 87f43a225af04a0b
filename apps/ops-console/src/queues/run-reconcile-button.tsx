"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@agora/trpc-next/react";
import { ActionButton } from "../shell/action-button.tsx";

/** Queues the analytics batch now over the last two days; the run appears in the table when done. */
export function RunReconcileButton() {
  const trpc = useTRPC();
  const router = useRouter();
  const run = useMutation({
    ...trpc.ops.analytics.runReconcile.mutationOptions(),
    onSuccess: () => {
      // The card is server-rendered: look again while the run is likely to finish.
      for (const ms of [3_000, 10_000, 30_000]) setTimeout(() => router.refresh(), ms);
    },
  });
  return (
    <ActionButton
      label="Reconcile the last 2 days now"
      pendingLabel="Queueing…"
      action={run}
      onClick={() => run.mutate({ days: 2 })}
      done={() => `Queued (job ${run.data?.jobId}); the run appears below when it is done.`}
    />
  );
}
