"use client";

import type { ReactNode } from "react";

/** The filter form of the trace and log searches: live filters, nothing to submit. */

export const FILTER_INPUT =
  "min-h-10 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

const COLUMNS = { 4: "lg:grid-cols-4", 5: "lg:grid-cols-5" } as const;

export function FilterForm({ columns, children }: { columns: 4 | 5; children: ReactNode }) {
  return (
    <form
      className={`grid grid-cols-1 gap-2 sm:grid-cols-2 ${COLUMNS[columns]}`}
      onSubmit={(e) => e.preventDefault()}
    >
      {children}
    </form>
  );
}

export function TextFilter({
  label,
  placeholder,
  value,
  onChange,
  numeric = false,
}: {
  label: string;
  placeholder: string;
  value: string;
  onChange: (value: string) => void;
  numeric?: boolean;
}) {
  return (
    <input
      aria-label={label}
      className={FILTER_INPUT}
      placeholder={placeholder}
      inputMode={numeric ? "numeric" : undefined}
      value={value}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

/** A full trace id (32 lowercase hex digits) or nothing: half-typed ids do not filter yet. */
export function completeTraceId(value: string): string | undefined {
  return /^[0-9a-f]{32}$/.test(value) ? value : undefined;
}

export function TraceIdFilter({
  value,
  onChange,
}: {
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextFilter
      label="Trace id"
      placeholder="trace id"
      value={value}
      onChange={(v) => onChange(v.trim().toLowerCase())}
    />
  );
}
