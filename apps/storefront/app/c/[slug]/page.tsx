import { EmptyState, PageHeader } from "@agora/ui";
import { TRPCError } from "@trpc/server";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { FreshnessNote } from "../../../src/catalog/freshness-note.tsx";
import { ProductResults } from "../../../src/catalog/product-results.tsx";
import { PAGER_LINK, SortLinks } from "../../../src/catalog/sort-links.tsx";
import { StoreShell } from "../../../src/layout/store-shell.tsx";
import { api, orUnavailable } from "../../../src/trpc/server.tsx";

const SORTS = [
  { value: "name", label: "Name" },
  { value: "price_asc", label: "Price: low to high" },
  { value: "price_desc", label: "Price: high to low" },
] as const;
type Sort = (typeof SORTS)[number]["value"];

interface Props {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ sort?: string; cursor?: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: (await params).slug };
}

export default async function CategoryPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const sp = await searchParams;
  const sort: Sort = SORTS.some((s) => s.value === sp.sort) ? (sp.sort as Sort) : "name";
  const page = await orUnavailable(
    (await api()).catalog.category({ slug, sort, cursor: sp.cursor ?? null }).catch((err) => {
      if (err instanceof TRPCError && err.code === "NOT_FOUND") notFound();
      throw err;
    }),
  );
  const href = (cursor: string) => `/c/${slug}?${new URLSearchParams({ sort, cursor }).toString()}`;

  return (
    <StoreShell currentCategory={slug}>
      {!page.ok ? (
        <EmptyState
          tone="error"
          title="This category is unavailable right now"
          description={page.reason}
        />
      ) : (
        <div className="space-y-5">
          <PageHeader
            title={page.data.category.name}
            description={`${page.data.category.productCount.toLocaleString("en")} products`}
          />
          <FreshnessNote freshness={page.data.freshness} />
          <SortLinks base={`/c/${slug}`} current={sort} options={SORTS} />
          {page.data.items.length === 0 ? (
            <EmptyState title="Nothing here yet" description="This category has no products." />
          ) : (
            <ProductResults products={page.data.items} />
          )}
          <nav aria-label="Pages" className="flex justify-between gap-3">
            {page.data.prevCursor ? (
              <a className={PAGER_LINK} rel="prev" href={href(page.data.prevCursor)}>
                ← Previous
              </a>
            ) : (
              <span />
            )}
            {page.data.nextCursor ? (
              <a className={PAGER_LINK} rel="next" href={href(page.data.nextCursor)}>
                Next →
              </a>
            ) : null}
          </nav>
        </div>
      )}
    </StoreShell>
  );
}
