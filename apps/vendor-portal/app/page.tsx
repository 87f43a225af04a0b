import { Badge, Card, EmptyState, PageHeader } from "@agora/ui";
import { VendorShell } from "../src/shell/vendor-shell.tsx";
import { rangeOf, SalesDashboard } from "../src/analytics/sales-dashboard.tsx";
import { TenantList } from "../src/tenants/tenant-list.tsx";
import { api, getQueryClient, HydrateClient, orUnavailable, trpc } from "../src/trpc/server.tsx";

export default async function VendorHomePage({
  searchParams,
}: {
  searchParams: Promise<{ range?: string | string[] }>;
}) {
  const range = rangeOf((await searchParams).range);
  // proxy.ts only lets vendor sessions in; the tenant comes from the session, never the URL.
  const [shop] = await Promise.all([
    orUnavailable((await api()).vendor.profile()),
    // Prefetch on the server so the list paints with the page; a failed prefetch is simply not
    // sent, and the client query then shows the reason.
    getQueryClient().prefetchQuery(trpc.catalog.overview.queryOptions()),
  ]);

  return (
    <VendorShell current="/" shopName={shop.ok ? shop.data.name : undefined}>
      <PageHeader
        title={shop.ok ? shop.data.name : "Your shop"}
        description="Your tenant on the platform and the shard that holds its catalogue."
      />
      <div className="mb-8">
        {shop.ok ? (
          <Card
            title={shop.data.name}
            aside={
              <Badge tone={shop.data.status === "active" ? "success" : "warning"}>
                {shop.data.status}
              </Badge>
            }
          >
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              {shop.data.slug} ·{" "}
              <Badge tone="brand">{shop.data.shard ?? "no shard assigned"}</Badge>
            </p>
          </Card>
        ) : (
          <EmptyState
            tone="error"
            title="Your shop is unavailable right now"
            description={shop.reason}
          />
        )}
      </div>
      <section aria-labelledby="sales-title" className="mb-8">
        <h2 id="sales-title" className="mb-3 text-lg font-semibold">
          Sales
        </h2>
        <SalesDashboard range={range} />
      </section>
      <h2 className="mb-3 text-lg font-semibold">Marketplace</h2>
      <HydrateClient>
        <TenantList />
      </HydrateClient>
    </VendorShell>
  );
}
