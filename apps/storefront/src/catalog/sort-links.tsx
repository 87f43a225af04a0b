import { cx } from "@agora/ui";

/** Sort choices as links (work without JavaScript); changing the sort starts at page one. */
export function SortLinks({
  base,
  current,
  options,
  params = {},
}: {
  base: string;
  current: string;
  options: readonly { value: string; label: string }[];
  params?: Record<string, string>;
}) {
  return (
    <nav aria-label="Sort" className="flex flex-wrap items-center gap-2 text-sm">
      <span className="text-zinc-500">Sort:</span>
      {options.map((o) => (
        <a
          key={o.value}
          href={`${base}?${new URLSearchParams({ ...params, sort: o.value }).toString()}`}
          aria-current={o.value === current ? "true" : undefined}
          className={cx(
            "inline-flex min-h-9 items-center rounded-full border px-3",
            o.value === current
              ? "border-brand-500 bg-brand-50 text-brand-700 dark:bg-zinc-800"
              : "border-zinc-200 dark:border-zinc-700",
          )}
        >
          {o.label}
        </a>
      ))}
    </nav>
  );
}

/** Class of the keyset "Previous" / "Next" links. */
export const PAGER_LINK =
  "inline-flex min-h-10 items-center rounded-lg border border-zinc-300 bg-white px-4 text-sm font-medium hover:border-brand-500 dark:border-zinc-700 dark:bg-zinc-900";
