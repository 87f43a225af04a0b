export { AppShell, PageHeader, type AppShellProps, type NavItem } from "./app-shell.tsx";
export { Card, Grid, type CardProps } from "./card.tsx";
export { Stat, StatGroup, type StatProps } from "./stat.tsx";
export { Badge, HealthBadge, StatusDot, HEALTH_TONE, type BadgeTone } from "./badge.tsx";
export { Table, type Column, type TableProps } from "./table.tsx";
export { EmptyState, type EmptyStateProps } from "./empty-state.tsx";
export { HEALTH_LABEL, type Health } from "./health.ts";
export { cx } from "./cx.ts";
export { ErrorFallback } from "./error-fallback.tsx";
