import type { ReactNode } from "react";
import { cx } from "./cx.ts";

export interface Column<Row> {
  key: string;
  header: ReactNode;
  cell: (row: Row) => ReactNode;
  align?: "left" | "right";
  /** Hide on phones: the first columns stay, secondary detail appears from the `sm` breakpoint. */
  hideOnMobile?: boolean;
}

export interface TableProps<Row> {
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  caption?: string;
  /** Rendered instead of the table when there are no rows. */
  empty?: ReactNode;
}

/** A data table that scrolls sideways inside its own box on narrow screens instead of the page. */
export function Table<Row>({ columns, rows, rowKey, caption, empty }: TableProps<Row>) {
  if (rows.length === 0 && empty) return <>{empty}</>;
  return (
    <div className="overflow-x-auto rounded-xl border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className="min-w-full divide-y divide-zinc-200 text-sm dark:divide-zinc-800">
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        <thead className="bg-zinc-50 dark:bg-zinc-900">
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={cx(
                  "px-3 py-2 text-xs font-semibold uppercase tracking-wide text-zinc-500 sm:px-4",
                  c.align === "right" ? "text-right" : "text-left",
                  c.hideOnMobile && "hidden sm:table-cell",
                )}
              >
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {rows.map((row) => (
            <tr key={rowKey(row)} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/50">
              {columns.map((c) => (
                <td
                  key={c.key}
                  className={cx(
                    "px-3 py-2.5 align-middle sm:px-4",
                    c.align === "right" ? "text-right tabular-nums" : "text-left",
                    c.hideOnMobile && "hidden sm:table-cell",
                  )}
                >
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
