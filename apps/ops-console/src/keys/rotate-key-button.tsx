"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@agora/trpc-next/react";
import { ActionButton } from "../shell/action-button.tsx";

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
    <ActionButton
      label="Rotate the personal-data key"
      pendingLabel="Rotating…"
      action={rotate}
      onClick={() => rotate.mutate()}
      done={() =>
        `Version ${rotate.data?.version} created; rewrap queued (job ${rotate.data?.jobId}).`
      }
    />
  );
}
