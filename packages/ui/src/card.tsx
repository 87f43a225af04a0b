import type { ReactNode } from "react";
import { cx } from "./cx.ts";

export interface CardProps {
  title?: ReactNode;
  /** Shown at the right of the title row (a badge, a count, a link). */
  aside?: ReactNode;
  /** One line under the title saying what the card shows. */
  description?: ReactNode;
  className?: string;
  children: ReactNode;
}

export function Card({ title, aside, description, className, children }: CardProps) {
  return (
    <section
      className={cx(
        "rounded-xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900 sm:p-5",
        className,
      )}
    >
      {title || aside ? (
        <div className="mb-3 flex items-center justify-between gap-2">
          {title ? <h2 className="text-base font-semibold">{title}</h2> : <span />}
          {aside}
        </div>
      ) : null}
      {description ? (
        <p className="-mt-2 mb-3 text-xs text-zinc-500 dark:text-zinc-400">{description}</p>
      ) : null}
      {children}
    </section>
  );
}

/** Responsive grid for cards and stats: one column on phones, more as the screen widens. */
export function Grid({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <div className={cx("grid gap-4 sm:grid-cols-2 lg:grid-cols-3", className)}>{children}</div>
  );
}
