import type { ReactNode } from "react";
import { cx } from "./cx.ts";

export interface NavItem {
  href: string;
  label: string;
  /** Marks the current page (aria-current) so the header shows where the user is. */
  current?: boolean;
}

export interface AppShellProps {
  /** Product name shown in the header, e.g. "Agora" or "Agora Ops". */
  title: string;
  /** One short word under the title on wide screens (e.g. the audience: "Shop", "Vendors"). */
  subtitle?: string;
  nav?: NavItem[];
  /** Right side of the header: a sign-in notice, an environment badge, a live indicator. */
  actions?: ReactNode;
  /** A full-width row under the title row, e.g. the shop's search box. */
  toolbar?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}

/**
 * Page frame shared by all apps. The nav is a horizontally scrolling row instead of a JS
 * hamburger menu, so it works on a phone with no client-side code at all.
 */
export function AppShell({
  title,
  subtitle,
  nav = [],
  actions,
  toolbar,
  children,
  footer,
}: AppShellProps) {
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="sticky top-0 z-10 border-b border-zinc-200 bg-white/90 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/90">
        <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-3 sm:px-6">
          <a href="/" className="flex items-baseline gap-2 font-semibold tracking-tight">
            <span className="text-lg text-brand-600 dark:text-brand-500">{title}</span>
            {subtitle ? (
              <span className="hidden text-sm font-normal text-zinc-500 sm:inline">{subtitle}</span>
            ) : null}
          </a>
          {actions ? <div className="ml-auto flex items-center gap-2">{actions}</div> : null}
        </div>
        {toolbar ? <div className="mx-auto max-w-6xl px-4 pb-3 sm:px-6">{toolbar}</div> : null}
        {nav.length > 0 ? (
          <nav aria-label="Main" className="mx-auto max-w-6xl overflow-x-auto px-2 sm:px-4">
            <ul className="flex gap-1 whitespace-nowrap pb-2">
              {nav.map((item) => (
                <li key={item.href}>
                  <a
                    href={item.href}
                    aria-current={item.current ? "page" : undefined}
                    className={cx(
                      "inline-flex min-h-10 items-center rounded-md px-3 text-sm font-medium",
                      item.current
                        ? "bg-brand-50 text-brand-700 dark:bg-zinc-800 dark:text-zinc-100"
                        : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800",
                    )}
                  >
                    {item.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </header>
      <main className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 sm:px-6 sm:py-8">{children}</main>
      {footer ? (
        <footer className="border-t border-zinc-200 py-4 text-center text-xs text-zinc-500 dark:border-zinc-800">
          {footer}
        </footer>
      ) : null}
    </div>
  );
}

/** A page heading with an optional description and actions, stacked on phones. */
export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-6 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight sm:text-3xl">{title}</h1>
        {description ? (
          <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</p>
        ) : null}
      </div>
      {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
    </div>
  );
}
