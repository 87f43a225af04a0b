"use client";

import { useTRPC } from "@agora/trpc-next/react";
import { useQuery } from "@tanstack/react-query";

/** Header link to the cart with the number of units in it (guest or signed-in cart). */
export function CartLink() {
  const trpc = useTRPC();
  const cart = useQuery(trpc.cart.get.queryOptions(undefined, { staleTime: 5_000 }));
  const count = cart.data?.count ?? 0;
  return (
    <a
      href="/cart"
      aria-label={`Cart, ${count} ${count === 1 ? "item" : "items"}`}
      className="inline-flex min-h-10 items-center gap-2 rounded-md px-3 text-sm font-medium text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
    >
      Cart
      <span
        data-testid="cart-count"
        className="min-w-6 rounded-full bg-brand-600 px-2 text-center text-xs font-semibold leading-6 text-white"
      >
        {count}
      </span>
    </a>
  );
}
