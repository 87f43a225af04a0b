"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";

/** Shown on every page while a chaos fault is in place, with its one-click undo. */
export function FaultBanner() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const active = useQuery({
    ...trpc.ops.chaos.active.queryOptions(),
    refetchInterval: 3_000,
    refetchIntervalInBackground: true,
    retry: false,
  });
  const undo = useMutation(
    trpc.ops.chaos.undo.mutationOptions({
      onSettled: () => qc.invalidateQueries({ queryKey: trpc.ops.chaos.pathKey() }),
    }),
  );
  const faults = active.data ?? [];
  if (faults.length === 0) return null;
  return (
    <div
      role="alert"
      data-testid="fault-banner"
      className="mb-6 rounded-lg border border-rose-300 bg-rose-50 p-3 text-sm text-rose-900 dark:border-rose-900 dark:bg-rose-950 dark:text-rose-200"
    >
      <p className="font-semibold">
        {faults.length} active fault{faults.length > 1 ? "s" : ""} injected
      </p>
      <ul className="mt-2 space-y-1">
        {faults.map((f) => (
          <li key={f.id} className="flex flex-wrap items-center gap-2">
            <span className="font-mono">{f.summary}</span>
            <span className="text-xs opacity-70">
              since {new Date(f.startedAt).toLocaleTimeString("en-GB")}
            </span>
            <button
              type="button"
              className="ml-auto min-h-9 rounded-md bg-rose-600 px-3 text-xs font-semibold text-white hover:bg-rose-700 disabled:opacity-50"
              disabled={undo.isPending}
              onClick={() => undo.mutate({ id: BigInt(f.id) })}
            >
              Undo
            </button>
          </li>
        ))}
      </ul>
      {undo.error ? <p className="mt-2 text-xs">Undo failed: {undo.error.message}</p> : null}
    </div>
  );
}
