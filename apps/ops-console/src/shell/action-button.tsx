"use client";

import type { ReactNode } from "react";

/**
 * The console's one-click actions (rotate a key, queue a batch…): the button, then what came of
 * it — a status line on success, an alert on failure. The caller owns the mutation.
 */
export function ActionButton({
  label,
  pendingLabel,
  action,
  onClick,
  done,
}: {
  label: string;
  pendingLabel: string;
  action: {
    isPending: boolean;
    isSuccess: boolean;
    isError: boolean;
    error: { message: string } | null;
  };
  onClick: () => void;
  /** What the status line says once the action succeeded. */
  done: () => ReactNode;
}) {
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      <button
        type="button"
        disabled={action.isPending}
        onClick={onClick}
        className="min-h-10 rounded-md border border-zinc-300 px-3 font-medium hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        {action.isPending ? pendingLabel : label}
      </button>
      {action.isSuccess && (
        <span role="status" className="text-zinc-600 dark:text-zinc-400">
          {done()}
        </span>
      )}
      {action.isError && (
        <span role="alert" className="text-rose-700 dark:text-rose-400">
          {action.error?.message}
        </span>
      )}
    </div>
  );
}
