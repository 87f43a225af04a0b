import { Badge, Card, EmptyState, Grid, PageHeader } from "@agora/ui";
import { FreshnessNote } from "../src/catalog/freshness-note.tsx";
import { ProductResults } from "../src/catalog/product-results.tsx";
import { StoreShell } from "../src/layout/store-shell.tsx";
import { api, orUnavailable } from "../src/trpc/server.tsx";

export default async function HomePage() {
  const caller = await api();
  const [overview, home] = await Promise.all([
    orUnavailable(caller.catalog.overview()),
    orUnavailable(caller.catalog.home()),
  ]);

  return (
    <StoreShell>
      <PageHeader
        title="Shop independent vendors"
        description="Browse by category or go straight to a vendor's shop."
      />
      {home.ok ? <FreshnessNote freshness={home.data.freshness} /> : null}
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
            {!home.ok || home.data.categories.length === 0 ? (
              <EmptyState
                title="No categories yet"
                description="Run the seed to fill the catalogue."
              />
            ) : (
              <ul className="flex flex-wrap gap-2">
                {home.data.categories.map((c) => (
                  <li key={c.slug}>
                    <a
                      href={`/c/${c.slug}`}
                      className="inline-flex min-h-10 items-center gap-2 rounded-full border border-zinc-200 bg-white px-4 text-sm font-medium hover:border-brand-500 dark:border-zinc-700 dark:bg-zinc-900"
                    >
                      <span>{c.name}</span>
                      <span className="text-xs text-zinc-500">{c.productCount}</span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </section>

          {home.ok && home.data.featured.length > 0 ? (
            <section aria-labelledby="featured-title">
              <h2 id="featured-title" className="mb-3 text-lg font-semibold">
                Featured
              </h2>
              <ProductResults products={home.data.featured} />
            </section>
          ) : null}

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
    </StoreShell>
  );
}
