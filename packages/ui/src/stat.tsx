import type { ReactNode } from "react";

export interface StatProps {
  label: string;
  value: ReactNode;
  /** Secondary line under the value, e.g. a unit, a trend or where the number comes from. */
  hint?: ReactNode;
}

export function Stat({ label, value, hint }: StatProps) {
  return (
    <div className="rounded-xl border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <dt className="text-xs font-medium uppercase tracking-wide text-zinc-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums">{value}</dd>
      {hint ? <dd className="mt-1 text-xs text-zinc-500">{hint}</dd> : null}
    </div>
  );
}

/** A row of stats that wraps to two columns on phones. */
export function StatGroup({ children }: { children: ReactNode }) {
  return <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">{children}</dl>;
}
