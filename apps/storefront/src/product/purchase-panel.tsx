"use client";

import { Price } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useLiveConnection, useLiveStock } from "../live/use-live.ts";
import { type PickableVariant, VariantPicker } from "./variant-picker.tsx";

export interface PurchasePanelProps {
  productId: string;
  vendorId: string;
  /** Units available when the page was rendered; the live gateway keeps it current. */
  available: number;
  priceCents: number;
  /** The product keeps stock per variant: the shopper picks one, and buys that variant. */
  stockByVariant: boolean;
  variants: (PickableVariant & { available: number })[];
}

/** Price, live stock (changes without a reload), variant, quantity and Add to cart. */
export function PurchasePanel({
  productId,
  vendorId,
  available: initial,
  priceCents: productPriceCents,
  stockByVariant,
  variants,
}: PurchasePanelProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const stock = useLiveStock(productId, {
    available: initial,
    variants: Object.fromEntries(variants.map((v) => [v.id, v.available])),
  });
  const live = useLiveConnection();
  const pickable = stockByVariant ? variants : [];
  // The first variant in stock is preselected; the shopper may pick another.
  const [picked, setPicked] = useState<string | null>(null);
  const variant =
    pickable.find((v) => v.id === picked) ??
    pickable.find((v) => (stock.variants[v.id] ?? 0) > 0) ??
    pickable[0];
  const available = variant ? (stock.variants[variant.id] ?? 0) : stock.available;
  const priceCents = variant?.priceCents ?? productPriceCents;
  const [quantity, setQuantity] = useState(1);
  const add = useMutation(
    trpc.cart.add.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.cart.get.queryKey() }),
    }),
  );
  const soldOut = available <= 0;
  const max = Math.max(1, Math.min(available, 99));

  return (
    <div
      className="space-y-4 rounded-xl border border-zinc-200 p-4 dark:border-zinc-800"
      data-product={productId}
    >
      <p className="text-2xl">
        <Price cents={priceCents} />
      </p>
      {pickable.length > 0 ? (
        <VariantPicker
          variants={pickable}
          available={stock.variants}
          selected={variant?.id ?? null}
          onSelect={setPicked}
        />
      ) : null}
      <p className="flex flex-wrap items-center gap-2 text-sm" aria-live="polite">
        <span
          data-testid="stock"
          className={
            soldOut
              ? "font-semibold text-rose-700 dark:text-rose-400"
              : available <= 5
                ? "font-medium text-amber-700 dark:text-amber-400"
                : ""
          }
        >
          {soldOut ? "Out of stock" : `${available} in stock`}
        </span>
        <span
          className="text-xs text-zinc-500"
          title="Stock updates arrive without reloading"
          data-testid="live-state"
        >
          {live === "live" ? "● live" : live === "offline" ? "○ reconnecting…" : "○ connecting…"}
        </span>
      </p>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({
            productId,
            vendorId,
            ...(variant ? { variantId: variant.id } : {}),
            quantity: Math.min(quantity, max),
          });
        }}
      >
        <label className="flex flex-col text-sm">
          Quantity
          <input
            type="number"
            name="quantity"
            min={1}
            max={max}
            value={quantity}
            disabled={soldOut}
            onChange={(e) => setQuantity(Math.max(1, Number(e.target.value) || 1))}
            className="mt-1 min-h-11 w-24 rounded-md border border-zinc-300 px-3 dark:border-zinc-700 dark:bg-zinc-900"
          />
        </label>
        <button
          type="submit"
          disabled={soldOut || add.isPending}
          className="min-h-11 rounded-md bg-brand-600 px-5 font-semibold text-white hover:bg-brand-700 disabled:cursor-not-allowed disabled:opacity-50"
        >
          {add.isPending ? "Adding…" : "Add to cart"}
        </button>
      </form>
      {add.isSuccess ? (
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          Added to your cart.{" "}
          <a className="underline" href="/cart">
            View cart
          </a>
        </p>
      ) : null}
      {add.isError ? (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          Could not add to the cart: {add.error.message}
        </p>
      ) : null}
    </div>
  );
}
