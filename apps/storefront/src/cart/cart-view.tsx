"use client";

import { EmptyCart } from "./empty-cart.tsx";
import { Badge, EmptyState, formatPrice } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

const PROBLEM: Record<string, string> = {
  out_of_stock: "Out of stock — remove it to check out",
  insufficient_stock: "Fewer units left than in your cart",
  unavailable: "No longer sold",
};

/** The cart grouped by vendor (each vendor ships its own parcel), with problems called out. */
export function CartView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cart = useQuery(trpc.cart.get.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.cart.get.queryKey() });
  const setQuantity = useMutation(trpc.cart.setQuantity.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.cart.remove.mutationOptions({ onSuccess: refresh }));

  if (cart.isPending) return <p className="text-sm text-zinc-500">Loading your cart…</p>;
  if (cart.isError)
    return (
      <EmptyState
        tone="error"
        title="Your cart is unavailable right now"
        description="Please try again in a moment."
      />
    );
  const { groups, totalCents, count } = cart.data;
  if (count === 0)
    return (
      <EmptyCart />
    );
  const blocked = groups.some((g) => g.items.some((i) => i.problem !== null));

  return (
    <div className="space-y-6">
      {groups.map((g) => (
        <section
          key={g.vendorId}
          aria-label={`From ${g.vendorName}`}
          data-testid="cart-group"
          className="rounded-lg border border-zinc-200 dark:border-zinc-800"
        >
          <header className="flex items-baseline justify-between border-b border-zinc-200 px-4 py-3 dark:border-zinc-800">
            <h2 className="font-semibold">{g.vendorName}</h2>
            <span className="text-sm text-zinc-500">Subtotal {formatPrice(g.subtotalCents)}</span>
          </header>
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800">
            {g.items.map((item) => (
              <li
                key={`${item.productId}/${item.variantId ?? ""}`}
                data-testid="cart-item"
                className="flex flex-wrap items-center gap-3 px-4 py-3"
              >
                {item.imageUrl ? (
                  // biome-ignore lint: product images come from the CDN edge, sized already
                  <img
                    src={item.imageUrl}
                    alt=""
                    width={56}
                    height={56}
                    className="size-14 rounded object-cover"
                  />
                ) : null}
                <div className="min-w-0 flex-1">
                  <a href={`/p/${item.productId}`} className="font-medium hover:underline">
                    {item.title}
                  </a>
                  {item.variantTitle ? (
                    <p className="text-sm" data-testid="cart-item-variant">
                      {item.variantTitle}
                    </p>
                  ) : null}
                  <p className="text-sm text-zinc-600 dark:text-zinc-400">
                    {formatPrice(item.unitPriceCents)} each
                    {item.priceChangedFromCents !== null ? (
                      <Badge tone="warning" className="ml-2">
                        Price changed from {formatPrice(item.priceChangedFromCents)}
                      </Badge>
                    ) : null}
                  </p>
                  {item.problem ? (
                    <p
                      role="alert"
                      className="mt-1 text-sm font-medium text-rose-700 dark:text-rose-400"
                    >
                      {PROBLEM[item.problem] ?? item.problem}
                      {item.problem === "insufficient_stock"
                        ? ` (${item.available} available)`
                        : ""}
                    </p>
                  ) : null}
                </div>
                <label className="flex items-center gap-2 text-sm">
                  <span className="sr-only">
                    Quantity of {item.title}
                    {item.variantTitle ? ` (${item.variantTitle})` : ""}
                  </span>
                  <select
                    value={item.quantity}
                    disabled={setQuantity.isPending}
                    onChange={(e) =>
                      setQuantity.mutate({
                        productId: item.productId,
                        ...(item.variantId ? { variantId: item.variantId } : {}),
                        quantity: Number(e.target.value),
                      })
                    }
                    className="min-h-11 rounded-md border border-zinc-300 px-2 dark:border-zinc-700 dark:bg-zinc-900"
                  >
                    {Array.from({ length: Math.max(10, item.quantity) }, (_, i) => i + 1).map(
                      (n) => (
                        <option key={n} value={n}>
                          {n}
                        </option>
                      ),
                    )}
                  </select>
                </label>
                <button
                  type="button"
                  onClick={() =>
                    remove.mutate({
                      productId: item.productId,
                      ...(item.variantId ? { variantId: item.variantId } : {}),
                    })
                  }
                  className="min-h-11 rounded-md px-3 text-sm text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800"
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-lg">
          Total <span className="font-semibold">{formatPrice(totalCents)}</span>
          <span className="ml-2 text-sm text-zinc-500">+ shipping per vendor at checkout</span>
        </p>
        {blocked ? (
          <p className="text-sm text-rose-700 dark:text-rose-400">
            Fix the items marked above to check out.
          </p>
        ) : (
          <a
            href="/checkout"
            className="inline-flex min-h-11 items-center rounded-md bg-brand-600 px-5 font-semibold text-white hover:bg-brand-700"
          >
            Checkout
          </a>
        )}
      </div>
    </div>
  );
}
