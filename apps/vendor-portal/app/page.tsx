import { AppShell, Badge, PageHeader } from "@agora/ui";
import { TenantList } from "../src/tenants/tenant-list.tsx";
import { getQueryClient, HydrateClient, trpc } from "../src/trpc/server.tsx";

export default async function VendorHomePage() {
  // Prefetch on the server so the list paints with the page; a failed prefetch is simply not
  // sent, and the client query then shows the reason.
  await getQueryClient().prefetchQuery(trpc.catalog.overview.queryOptions());

  return (
    <AppShell
      title="Agora"
      subtitle="Vendor portal"
      nav={[{ href: "/", label: "Tenants", current: true }]}
      actions={<Badge tone="neutral">Not signed in</Badge>}
    >
      <PageHeader
        title="Tenants"
        description="Every vendor on the platform, the shard that holds it, and its catalogue size."
      />
      <div
        role="note"
        className="mb-6 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
      >
        Sign-in is coming soon. Once it lands, vendors see only their own tenant; until then this
        page lists all of them read-only.
      </div>
      <HydrateClient>
        <TenantList />
      </HydrateClient>
    </AppShell>
  );
}
