"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@agora/trpc-next/react";

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
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <button
        type="button"
        disabled={run.isPending}
        onClick={() => run.mutate({ days: 2 })}
        className="min-h-10 rounded-md border border-zinc-300 px-3 font-medium hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        {run.isPending ? "Queueing…" : "Reconcile the last 2 days now"}
      </button>
      {run.isSuccess && (
        <span role="status" className="text-zinc-600 dark:text-zinc-400">
          Queued (job {run.data.jobId}); the run appears below when it is done.
        </span>
      )}
      {run.isError && (
        <span role="alert" className="text-rose-700 dark:text-rose-400">
          {run.error.message}
        </span>
      )}
    </div>
  );
}
