import { AppShell, Badge, Card, EmptyState, Grid, PageHeader } from "@agora/ui";
import { UserMenu } from "../src/auth/user-menu.tsx";
import { api, orUnavailable } from "../src/trpc/server.tsx";

export default async function HomePage() {
  const overview = await orUnavailable((await api()).catalog.overview());

  return (
    <AppShell
      title="Agora"
      subtitle="Marketplace"
      nav={[
        { href: "/", label: "Shop", current: true },
        { href: "#categories", label: "Categories" },
        { href: "#vendors", label: "Vendors" },
      ]}
      actions={<UserMenu />}
      footer="Agora — every vendor's catalogue lives on its own shard."
    >
      <PageHeader
        title="Shop independent vendors"
        description="Browse by category or go straight to a vendor's shop."
      />
      {!overview.ok ? (
        <EmptyState
          tone="error"
          title="The catalogue is unavailable right now"
          description={
            <>
              <p>We could not reach the database. Please try again in a moment.</p>
              <p className="mt-2 font-mono text-xs">{overview.reason}</p>
            </>
          }
        />
      ) : (
        <div className="space-y-10">
          <section id="categories" aria-labelledby="categories-title" className="scroll-mt-28">
            <h2 id="categories-title" className="mb-3 text-lg font-semibold">
              Categories
            </h2>
            {overview.data.categories.length === 0 ? (
              <EmptyState
                title="No categories yet"
                description="Run the seed to fill the catalogue."
              />
            ) : (
              <ul className="flex flex-wrap gap-2">
                {overview.data.categories.map((c) => (
                  <li key={c.id}>
                    <span className="inline-flex min-h-10 items-center rounded-full border border-zinc-200 bg-white px-4 text-sm font-medium dark:border-zinc-700 dark:bg-zinc-900">
                      {c.name}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section id="vendors" aria-labelledby="vendors-title" className="scroll-mt-28">
            <h2 id="vendors-title" className="mb-3 text-lg font-semibold">
              Vendors
            </h2>
            {overview.data.vendors.length === 0 ? (
              <EmptyState title="No vendors yet" description="Run the seed to add vendors." />
            ) : (
              <Grid>
                {overview.data.vendors.map((v) => (
                  <Card
                    key={v.id}
                    title={v.name}
                    aside={v.status === "active" ? null : <Badge tone="warning">{v.status}</Badge>}
                  >
                    <p className="text-sm text-zinc-600 dark:text-zinc-400">
                      {v.productCount === null
                        ? "Product count unavailable (shard not reachable)"
                        : `${v.productCount.toLocaleString("en")} products`}
                    </p>
                    <p className="mt-3">
                      <Badge tone="brand">{v.shard ?? "no shard assigned"}</Badge>
                    </p>
                  </Card>
                ))}
              </Grid>
            )}
          </section>

          <p className="text-xs text-zinc-500">
            Read with {overview.data.consistency} consistency: vendors from the core{" "}
            {overview.data.coreServedBy}
            {overview.data.shards.length > 0
              ? `, product counts from ${overview.data.shards
                  .filter((s) => s.servedBy)
                  .map((s) => `${s.name} ${s.servedBy}`)
                  .join(", ")}`
              : ""}
            .
          </p>

          {overview.data.shards.some((s) => !s.available) ? (
            <p className="text-xs text-zinc-500">
              Some shards did not answer:{" "}
              {overview.data.shards
                .filter((s) => !s.available)
                .map((s) => s.name)
                .join(", ")}
              . Their vendors are shown without product counts.
            </p>
          ) : null}
        </div>
      )}
    </AppShell>
  );
}
