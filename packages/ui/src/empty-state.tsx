import type { ReactNode } from "react";
import { cx } from "./cx.ts";

export interface EmptyStateProps {
  title: string;
  description?: ReactNode;
  /** "error" frames the box in red: for a dependency that is down rather than simply no data. */
  tone?: "neutral" | "error";
  action?: ReactNode;
}

export function EmptyState({ title, description, tone = "neutral", action }: EmptyStateProps) {
  return (
    <div
      role={tone === "error" ? "alert" : undefined}
      className={cx(
        "rounded-xl border border-dashed px-4 py-10 text-center sm:px-8",
        tone === "error"
          ? "border-rose-300 bg-rose-50 text-rose-900 dark:border-rose-900 dark:bg-rose-950/40 dark:text-rose-200"
          : "border-zinc-300 bg-white text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300",
      )}
    >
      <p className="text-base font-semibold">{title}</p>
      {description ? (
        <div className="mx-auto mt-2 max-w-prose text-sm opacity-80">{description}</div>
      ) : null}
      {action ? <div className="mt-4">{action}</div> : null}
    </div>
  );
}
