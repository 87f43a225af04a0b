"use client";

import type { RouterOutputs } from "@agora/api";
import { Card, EmptyState } from "@agora/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";
import { TRPCClientError } from "@trpc/client";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { RichText } from "@agora/ui/rich-text";

type Product = RouterOutputs["vendor"]["products"]["get"];
interface VariantDraft {
  sku: string;
  title: string;
  size: string;
  colour: string;
  price: string;
}
interface Draft {
  sku: string;
  title: string;
  description: string;
  categorySlug: string;
  price: string;
  status: "draft" | "active";
  variants: VariantDraft[];
}
interface Conflict {
  currentVersion: number;
  changedFields: { field: string; current: unknown; submitted: unknown }[];
}

const input = "w-full rounded border border-zinc-300 px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

function toDraft(p: Product | undefined): Draft {
  return {
    sku: p?.sku ?? "",
    title: p?.title ?? "",
    description: p?.description ?? "",
    categorySlug: p?.categorySlug ?? "",
    price: p ? (p.priceCents / 100).toFixed(2) : "",
    status: p?.status === "draft" ? "draft" : "active",
    variants:
      p?.variants.map((v) => ({
        sku: v.sku,
        title: v.title,
        size: v.size ?? "",
        colour: v.colour ?? "",
        price: v.priceCents === null ? "" : (v.priceCents / 100).toFixed(2),
      })) ?? [],
  };
}

const cents = (s: string) => Math.round(Number(s.replace(",", ".")) * 100);

function show(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return value || "(empty)";
  return JSON.stringify(value);
}

/** Create (no productId) or edit a product; a stale save shows what the other save changed. */
export function ProductEditor({ productId }: { productId?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const product = useQuery({ ...trpc.vendor.products.get.queryOptions({ productId: productId ?? "" }), enabled: !!productId });
  const categories = useQuery(trpc.vendor.categories.queryOptions());
  const [draft, setDraft] = useState<Draft>(toDraft(undefined));
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (product.data) setDraft(toDraft(product.data));
  }, [product.data]);

  const onError = (err: unknown) => {
    if (err instanceof TRPCClientError && err.data?.code === "CONFLICT" && err.data.details) {
      setConflict(err.data.details as unknown as Conflict);
      setError(null);
    } else setError(err instanceof Error ? err.message : String(err));
  };
  const onSaved = async (p: Product) => {
    setConflict(null);
    setError(null);
    await queryClient.invalidateQueries({ queryKey: trpc.vendor.products.pathKey() });
    router.push(`/products/${p.id}`);
  };
  const create = useMutation(trpc.vendor.products.create.mutationOptions({ onSuccess: onSaved, onError }));
  const update = useMutation(trpc.vendor.products.update.mutationOptions({ onSuccess: onSaved, onError }));
  const archive = useMutation(trpc.vendor.products.archive.mutationOptions({ onSuccess: onSaved, onError }));

  if (productId && product.error)
    return <EmptyState tone="error" title="Product unavailable" description={product.error.message} />;
  if (productId && !product.data) return <p className="text-sm text-zinc-500">Loading…</p>;

  const fields = {
    sku: draft.sku.trim() || null,
    title: draft.title,
    description: draft.description,
    categorySlug: draft.categorySlug,
    priceCents: cents(draft.price),
    currency: product.data?.currency ?? "EUR",
    status: draft.status,
    variants: draft.variants.map((v) => ({
      sku: v.sku,
      title: v.title,
      size: v.size.trim() || null,
      colour: v.colour.trim() || null,
      priceCents: v.price.trim() ? cents(v.price) : null,
    })),
  };
  const save = () =>
    product.data
      ? update.mutate({ ...fields, productId: product.data.id, expectedVersion: product.data.version })
      : create.mutate(fields);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const setVariant = (i: number, k: keyof VariantDraft, v: string) =>
    setDraft((d) => ({ ...d, variants: d.variants.map((x, j) => (j === i ? { ...x, [k]: v } : x)) }));

  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      {conflict ? (
        <div role="alert" className="rounded border border-amber-400 bg-amber-50 p-3 text-sm dark:bg-amber-950">
          <p className="font-medium">
            Someone else saved this product (now version {conflict.currentVersion}). Your changes were not saved.
          </p>
          <ul className="mt-2 list-disc pl-5">
            {conflict.changedFields.map((c) => (
              <li key={c.field}>
                <b>{c.field}</b> is now {show(c.current)} (you entered {show(c.submitted)})
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="mt-2 underline"
            onClick={() => {
              setConflict(null);
              void product.refetch();
            }}
          >
            Load the saved version
          </button>
        </div>
      ) : null}
      {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}
      <Card title={product.data ? `Edit · version ${product.data.version}` : "New product"}>
        <div className="grid gap-3 sm:grid-cols-2">
          <label className="text-sm">Title<input className={input} required value={draft.title} onChange={(e) => set("title", e.target.value)} /></label>
          <label className="text-sm">SKU<input className={input} value={draft.sku} onChange={(e) => set("sku", e.target.value)} /></label>
          <label className="text-sm">Price (EUR)<input className={input} inputMode="decimal" required value={draft.price} onChange={(e) => set("price", e.target.value)} /></label>
          <label className="text-sm">
            Category
            <select className={input} required value={draft.categorySlug} onChange={(e) => set("categorySlug", e.target.value)}>
              <option value="">Choose…</option>
              {categories.data?.map((c) => <option key={c.slug} value={c.slug}>{c.name}</option>)}
            </select>
          </label>
          <label className="text-sm">
            Status
            <select className={input} value={draft.status} onChange={(e) => set("status", e.target.value as Draft["status"])}>
              <option value="active">active</option>
              <option value="draft">draft</option>
            </select>
          </label>
          <label className="text-sm sm:col-span-2">Description (Markdown: **bold**, *italic*, lists, [links](https://…))<textarea className={input} rows={6} value={draft.description} onChange={(e) => set("description", e.target.value)} /></label>
          {draft.description.trim() ? (
            <div className="rounded-md border border-dashed border-zinc-300 p-3 sm:col-span-2 dark:border-zinc-700" aria-label="Description preview">
              <p className="mb-1 text-xs font-medium uppercase tracking-wide text-zinc-500">Preview, as shoppers see it</p>
              <RichText markdown={draft.description} />
            </div>
          ) : null}
        </div>
      </Card>
      <Card title="Variants">
        <div className="space-y-3">
          {draft.variants.map((v, i) => (
            <div key={i} className="grid grid-cols-2 gap-2 sm:grid-cols-6">
              <input className={input} aria-label="Variant SKU" placeholder="SKU" required value={v.sku} onChange={(e) => setVariant(i, "sku", e.target.value)} />
              <input className={`${input} sm:col-span-2`} aria-label="Variant title" placeholder="Title" required value={v.title} onChange={(e) => setVariant(i, "title", e.target.value)} />
              <input className={input} aria-label="Size" placeholder="Size" value={v.size} onChange={(e) => setVariant(i, "size", e.target.value)} />
              <input className={input} aria-label="Colour" placeholder="Colour" value={v.colour} onChange={(e) => setVariant(i, "colour", e.target.value)} />
              <div className="flex gap-2">
                <input className={input} aria-label="Price override" placeholder="Price" inputMode="decimal" value={v.price} onChange={(e) => setVariant(i, "price", e.target.value)} />
                <button type="button" aria-label="Remove variant" className="px-2 text-red-600" onClick={() => set("variants", draft.variants.filter((_, j) => j !== i))}>×</button>
              </div>
            </div>
          ))}
          <button
            type="button"
            className="rounded border border-zinc-300 px-3 py-2 text-sm dark:border-zinc-700"
            onClick={() => set("variants", [...draft.variants, { sku: "", title: "", size: "", colour: "", price: "" }])}
          >
            Add variant
          </button>
        </div>
      </Card>
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="rounded bg-zinc-900 px-4 py-2 text-sm text-white dark:bg-zinc-100 dark:text-zinc-900" disabled={create.isPending || update.isPending}>
          Save
        </button>
        {product.data && product.data.status !== "archived" ? (
          <button
            type="button"
            className="rounded border border-red-400 px-4 py-2 text-sm text-red-700"
            onClick={() => archive.mutate({ productId: product.data!.id, expectedVersion: product.data!.version })}
          >
            Archive
          </button>
        ) : null}
      </div>
    </form>
  );
}
