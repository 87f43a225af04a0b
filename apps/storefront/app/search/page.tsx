import { cx, EmptyState, PageHeader } from "@agora/ui";
import type { Metadata } from "next";
import type { ReactNode } from "react";
import { ProductResults } from "../../src/catalog/product-results.tsx";
import { PAGER_LINK } from "../../src/catalog/sort-links.tsx";
import { StoreShell } from "../../src/layout/store-shell.tsx";
import {
  parseSearchParams,
  priceRange,
  searchHref,
  type SearchUrlState,
} from "../../src/search/search-params.ts";
import { api, orUnavailable } from "../../src/trpc/server.tsx";

export const metadata: Metadata = { title: "Search" };

const SORTS = [
  { value: "relevance", label: "Best match" },
  { value: "price_asc", label: "Price ↑" },
  { value: "price_desc", label: "Price ↓" },
  { value: "name", label: "Name" },
] as const;

/** One facet group: a heading and its list of links. */
function FacetSection({
  id,
  title,
  children,
}: {
  id: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={`facet-${id}`}>
      <h2 id={`facet-${id}`} className="mb-1 text-sm font-semibold">
        {title}
      </h2>
      <ul>{children}</ul>
    </section>
  );
}

function FacetLink({
  href,
  active,
  label,
  count,
}: {
  href: string;
  active: boolean;
  label: string;
  count: number;
}) {
  return (
    <li>
      <a
        href={href}
        aria-current={active ? "true" : undefined}
        className={cx(
          "flex min-h-9 items-center justify-between gap-2 rounded-md px-2 text-sm hover:bg-zinc-100 dark:hover:bg-zinc-800",
          active && "bg-brand-50 font-semibold text-brand-700 dark:bg-zinc-800",
        )}
      >
        <span>{label}</span>
        <span className="text-xs text-zinc-500">{count}</span>
      </a>
    </li>
  );
}

export default async function SearchPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const state: SearchUrlState = parseSearchParams(await searchParams);
  const result = await orUnavailable(
    (await api()).search.query({
      q: state.q,
      ...(state.category ? { category: state.category } : {}),
      ...(state.vendor.length ? { vendorIds: state.vendor } : {}),
      ...priceRange(state.price),
      ...(state.inStock ? { inStock: true } : {}),
      sort: state.sort,
      cursor: state.cursor ?? null,
    }),
  );
  const toggleVendor = (id: string) =>
    state.vendor.includes(id) ? state.vendor.filter((v) => v !== id) : [...state.vendor, id];

  return (
    <StoreShell query={state.q}>
      <PageHeader
        title={state.q ? `Results for “${state.q}”` : "All products"}
        description={
          result.ok
            ? `${result.data.total.toLocaleString("en")} products${
                result.data.correctedQuery
                  ? ` · including results for “${result.data.correctedQuery}”`
                  : ""
              }`
            : undefined
        }
      />
      {!result.ok ? (
        <EmptyState
          tone="error"
          title="Search is unavailable right now"
          description={result.reason}
        />
      ) : (
        <div className="flex flex-col gap-6 md:flex-row">
          <aside aria-label="Filters" className="space-y-5 md:w-60 md:shrink-0">
            {result.data.freshness.stale ? (
              <p
                role="status"
                className="rounded-md bg-amber-50 p-2 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-300"
              >
                Results may be a few seconds behind.
              </p>
            ) : null}
            <FacetSection id="category" title="Category">
              {result.data.facets.categories.map((c) => (
                <FacetLink
                  key={c.slug}
                  href={searchHref(state, {
                    category: state.category === c.slug ? undefined : c.slug,
                  })}
                  active={state.category === c.slug}
                  label={c.slug}
                  count={c.count}
                />
              ))}
            </FacetSection>
            <FacetSection id="vendor" title="Vendor">
              {result.data.facets.vendors.map((v) => (
                <FacetLink
                  key={v.id}
                  href={searchHref(state, { vendor: toggleVendor(v.id) })}
                  active={state.vendor.includes(v.id)}
                  label={v.name}
                  count={v.count}
                />
              ))}
            </FacetSection>
            <FacetSection id="price" title="Price">
              {result.data.facets.prices.map((b) => {
                const value = `${b.min}-${b.max ?? ""}`;
                return (
                  <FacetLink
                    key={value}
                    href={searchHref(state, { price: state.price === value ? undefined : value })}
                    active={state.price === value}
                    label={b.label}
                    count={b.count}
                  />
                );
              })}
            </FacetSection>
            <FacetSection id="stock" title="Availability">
              <FacetLink
                href={searchHref(state, { inStock: state.inStock ? undefined : "1" })}
                active={!!state.inStock}
                label="In stock"
                count={result.data.facets.inStock.inStock}
              />
            </FacetSection>
          </aside>
          <div className="min-w-0 flex-1 space-y-4">
            <nav aria-label="Sort" className="flex flex-wrap items-center gap-2 text-sm">
              <span className="text-zinc-500">Sort:</span>
              {SORTS.map((s) => (
                <a
                  key={s.value}
                  href={searchHref(state, { sort: s.value })}
                  aria-current={state.sort === s.value ? "true" : undefined}
                  className={cx(
                    "inline-flex min-h-9 items-center rounded-full border px-3",
                    state.sort === s.value
                      ? "border-brand-500 bg-brand-50 text-brand-700 dark:bg-zinc-800"
                      : "border-zinc-200 dark:border-zinc-700",
                  )}
                >
                  {s.label}
                </a>
              ))}
            </nav>
            {result.data.items.length === 0 ? (
              <EmptyState
                title="No products found"
                description="Try fewer words or remove a filter."
              />
            ) : (
              <ProductResults products={result.data.items} />
            )}
            <nav aria-label="Pages" className="flex justify-between gap-3">
              <span />
              {result.data.nextCursor ? (
                <a
                  className={PAGER_LINK}
                  rel="next"
                  href={searchHref(state, { cursor: result.data.nextCursor })}
                >
                  More results →
                </a>
              ) : null}
            </nav>
          </div>
        </div>
      )}
    </StoreShell>
  );
}
