import type { ReactNode } from "react";
import { AppShell, PageHeader } from "@agora/ui";
import { UserMenu } from "../auth/user-menu.tsx";
import { HydrateClient } from "../trpc/server.tsx";
import { FaultBanner } from "./fault-banner.tsx";

/** The console's pages, in the order an operator walks through an incident. */
export const OPS_PAGES = [
  { href: "/", label: "Topology" },
  { href: "/chaos", label: "Chaos" },
  { href: "/drills", label: "Drills" },
  { href: "/alerts", label: "Alerts" },
  { href: "/queues", label: "Queues" },
  { href: "/payouts", label: "Payouts" },
  { href: "/shards", label: "Shards" },
  { href: "/services", label: "Services" },
  { href: "/deployments", label: "Deployments" },
  { href: "/scaling", label: "Scaling" },
  { href: "/regions", label: "Regions" },
  { href: "/keys", label: "Keys" },
  { href: "/traces", label: "Traces" },
  { href: "/metrics", label: "Metrics" },
  { href: "/performance", label: "Performance" },
  { href: "/errors", label: "Errors" },
  { href: "/logs", label: "Logs" },
] as const;

export type OpsPage = (typeof OPS_PAGES)[number]["href"];

/** Frame of every console page: navigation, the active-fault banner, the page heading. */
export function OpsShell({
  current,
  title,
  description,
  actions,
  children,
}: {
  current: OpsPage;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <AppShell
      title="Agora Ops"
      subtitle="Operations console"
      nav={OPS_PAGES.map((p) => ({ ...p, current: p.href === current }))}
      actions={<UserMenu />}
    >
      <HydrateClient>
        <FaultBanner />
        <PageHeader title={title} description={description} actions={actions} />
        {children}
      </HydrateClient>
    </AppShell>
  );
}
