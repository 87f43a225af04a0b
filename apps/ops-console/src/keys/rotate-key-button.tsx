"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@agora/trpc-next/react";

/** Adds a `pii` key version and queues the rewrap; the page refreshes to show the job's progress. */
export function RotateKeyButton() {
  const trpc = useTRPC();
  const router = useRouter();
  const rotate = useMutation({
    ...trpc.ops.keys.rotate.mutationOptions(),
    onSuccess: () => {
      for (const ms of [1_000, 5_000, 15_000, 30_000]) setTimeout(() => router.refresh(), ms);
    },
  });
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <button
        type="button"
        disabled={rotate.isPending}
        onClick={() => rotate.mutate()}
        className="min-h-10 rounded-md border border-zinc-300 px-3 font-medium hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        {rotate.isPending ? "Rotating…" : "Rotate the personal-data key"}
      </button>
      {rotate.isSuccess && (
        <span role="status" className="text-zinc-600 dark:text-zinc-400">
          Version {rotate.data.version} created; rewrap queued (job {rotate.data.jobId}).
        </span>
      )}
      {rotate.isError && (
        <span role="alert" className="text-rose-700 dark:text-rose-400">
          {rotate.error.message}
        </span>
      )}
    </div>
  );
}
