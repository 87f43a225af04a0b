"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "@agora/trpc-next/react";

/** Issues new server certificates and reloads the servers; the table then shows the new serials. */
export function RotateCertificatesButton() {
  const trpc = useTRPC();
  const router = useRouter();
  const rotate = useMutation({
    ...trpc.ops.certificates.rotate.mutationOptions(),
    onSuccess: () => router.refresh(),
  });
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <button
        type="button"
        disabled={rotate.isPending}
        onClick={() => rotate.mutate()}
        className="min-h-10 rounded-md border border-zinc-300 px-3 font-medium hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        {rotate.isPending ? "Rotating…" : "Rotate server certificates"}
      </button>
      {rotate.isSuccess && (
        <span role="status" className="text-zinc-600 dark:text-zinc-400">
          {rotate.data.rotated} certificates issued; {rotate.data.reloaded.length} servers reloaded
          without dropping a connection.
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
