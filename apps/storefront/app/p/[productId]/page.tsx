import { Badge, EmptyState, Stars } from "@agora/ui";
import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";
import { currentSession } from "../../../src/auth/session.ts";
import { ProductResults } from "../../../src/catalog/product-results.tsx";
import { StoreShell } from "../../../src/layout/store-shell.tsx";
import { ProductDocuments, ProductVideos } from "../../../src/product/product-files.tsx";
import { ProductGallery } from "../../../src/product/product-gallery.tsx";
import { PurchasePanel } from "../../../src/product/purchase-panel.tsx";
import { recordViewAfterResponse } from "../../../src/product/record-view.ts";
import { ReviewForm } from "../../../src/product/review-form.tsx";
import { api, orUnavailable } from "../../../src/trpc/server.tsx";
import { RichText } from "@agora/ui/rich-text";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ProductPage({
  params,
  searchParams,
}: {
  params: Promise<{ productId: string }>;
  searchParams: Promise<{ image?: string | string[] }>;
}) {
  const { productId } = await params;
  const { image: imageParam } = await searchParams;
  if (!UUID.test(productId)) notFound();
  const caller = await api();
  const [product, reviews, alsoBought, session] = await Promise.all([
    orUnavailable(
      caller.catalog.product({ productId }).catch((err) => {
        if (err instanceof TRPCError && err.code === "NOT_FOUND") notFound();
        throw err;
      }),
    ),
    orUnavailable(caller.reviews.list({ productId })),
    orUnavailable(caller.recommendations.alsoBought({ productId })),
    currentSession(),
  ]);
  if (!product.ok)
    return (
      <StoreShell>
        <EmptyState
          tone="error"
          title="This product is unavailable right now"
          description={product.reason}
        />
      </StoreShell>
    );
  const p = product.data;
  await recordViewAfterResponse(
    { productId: p.productId, vendorId: p.vendor.id },
    session?.userId ?? null,
  );

  return (
    <StoreShell currentCategory={p.categorySlug}>
      <article className="grid gap-6 md:grid-cols-2">
        <ProductGallery title={p.title} images={p.media} selected={Number(imageParam ?? 0)} />
        <div className="space-y-4">
          <p className="text-sm">
            <a href={`/c/${p.categorySlug}`} className="text-brand-700 hover:underline">
              {p.categorySlug}
            </a>
          </p>
          <h1 className="text-2xl font-semibold tracking-tight">{p.title}</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Sold by <span className="font-medium">{p.vendor.name}</span>
          </p>
          {reviews.ok && reviews.data.average !== null ? (
            <p className="flex items-center gap-2 text-sm">
              <Stars rating={reviews.data.average} /> {reviews.data.average} ({reviews.data.count})
            </p>
          ) : null}
          <PurchasePanel
            productId={p.productId}
            vendorId={p.vendor.id}
            available={p.available}
            priceCents={p.priceCents}
            stockByVariant={p.stockByVariant}
            variants={p.variants}
          />
          {!p.stockByVariant && p.variants.length > 1 ? (
            <section aria-labelledby="variants-title">
              <h2 id="variants-title" className="mb-2 text-sm font-semibold">
                Variants
              </h2>
              <ul className="flex flex-wrap gap-2">
                {p.variants.map((v) => (
                  <li key={v.id}>
                    <Badge>{v.title}</Badge>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <RichText markdown={p.description} />
        </div>
      </article>

      {/* A cached page from before videos and documents existed carries neither. */}
      <ProductVideos title={p.title} videos={p.videos ?? []} />
      <ProductDocuments documents={p.documents ?? []} />

      <section aria-labelledby="reviews-title" className="mt-10 space-y-4">
        <h2 id="reviews-title" className="text-lg font-semibold">
          Reviews
        </h2>
        {!reviews.ok ? (
          <p className="text-sm text-zinc-500">Reviews are unavailable right now.</p>
        ) : reviews.data.reviews.length === 0 ? (
          <p className="text-sm text-zinc-500">No reviews yet.</p>
        ) : (
          <ul className="space-y-4">
            {reviews.data.reviews.map((r) => (
              <li key={r.id} className="rounded-xl border border-zinc-200 p-4 dark:border-zinc-800">
                <div className="flex flex-wrap items-center gap-2">
                  <Stars rating={r.rating} />
                  <h3 className="font-medium">{r.title}</h3>
                  {r.verifiedPurchase ? <Badge tone="success">Verified purchase</Badge> : null}
                </div>
                <p className="mt-1 text-xs text-zinc-500">
                  {r.authorName} · {r.createdAt.toLocaleDateString("en-GB")}
                </p>
                <p className="mt-2 whitespace-pre-line text-sm">{r.body}</p>
              </li>
            ))}
          </ul>
        )}
        {session ? (
          <div className="max-w-lg">
            <h3 className="mb-2 font-medium">Write a review</h3>
            <ReviewForm productId={p.productId} />
          </div>
        ) : (
          <p className="text-sm">
            <a
              href={`/signin?callbackUrl=/p/${p.productId}`}
              className="text-brand-700 hover:underline"
            >
              Sign in
            </a>{" "}
            to write a review.
          </p>
        )}
      </section>

      {alsoBought.ok && alsoBought.data.length > 0 ? (
        <section aria-labelledby="also-bought-title" className="mt-10">
          <h2 id="also-bought-title" className="mb-3 text-lg font-semibold">
            Customers also bought
          </h2>
          <ProductResults products={alsoBought.data} />
        </section>
      ) : null}
    </StoreShell>
  );
}
