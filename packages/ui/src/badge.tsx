import type { ReactNode } from "react";
import { cx } from "./cx.ts";
import { HEALTH_LABEL, type Health } from "./health.ts";

export type BadgeTone = "neutral" | "brand" | "success" | "warning" | "danger";

const TONE: Record<BadgeTone, string> = {
  neutral:
    "bg-zinc-100 text-zinc-700 ring-zinc-200 dark:bg-zinc-800 dark:text-zinc-300 dark:ring-zinc-700",
  brand:
    "bg-brand-50 text-brand-700 ring-brand-100 dark:bg-zinc-800 dark:text-brand-500 dark:ring-zinc-700",
  success:
    "bg-emerald-50 text-emerald-700 ring-emerald-200 dark:bg-emerald-950 dark:text-emerald-300 dark:ring-emerald-900",
  warning:
    "bg-amber-50 text-amber-800 ring-amber-200 dark:bg-amber-950 dark:text-amber-300 dark:ring-amber-900",
  danger:
    "bg-rose-50 text-rose-700 ring-rose-200 dark:bg-rose-950 dark:text-rose-300 dark:ring-rose-900",
};

export const HEALTH_TONE: Record<Health, BadgeTone> = {
  healthy: "success",
  degraded: "warning",
  down: "danger",
  unknown: "neutral",
};

export function Badge({
  tone = "neutral",
  children,
  className,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  className?: string;
}) {
  return (
    <span
      className={cx(
        "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        TONE[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

const DOT: Record<Health, string> = {
  healthy: "bg-emerald-500",
  degraded: "bg-amber-500",
  down: "bg-rose-500",
  unknown: "bg-zinc-400",
};

/** A coloured dot; the label is kept for screen readers since colour alone carries no meaning. */
export function StatusDot({ health, label }: { health: Health; label?: string }) {
  return (
    <span
      className="relative inline-flex size-2.5 shrink-0"
      role="img"
      aria-label={label ?? HEALTH_LABEL[health]}
    >
      {health === "down" ? (
        <span className="absolute inline-flex size-full animate-ping rounded-full bg-rose-400 opacity-60" />
      ) : null}
      <span className={cx("relative inline-flex size-2.5 rounded-full", DOT[health])} />
    </span>
  );
}

/** Dot plus text in a badge of the matching tone: the standard way to show a node's health. */
export function HealthBadge({ health, children }: { health: Health; children?: ReactNode }) {
  return (
    <Badge tone={HEALTH_TONE[health]}>
      <StatusDot health={health} />
      {children ?? HEALTH_LABEL[health]}
    </Badge>
  );
}
