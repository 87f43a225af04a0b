"use client";

import { useTRPC } from "@agora/trpc-next/react";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** Write a review; the server decides the verified-purchase badge and one-review-per-product. */
export function ReviewForm({ productId }: { productId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [rating, setRating] = useState(5);
  const create = useMutation(
    trpc.reviews.create.mutationOptions({ onSuccess: () => router.refresh() }),
  );
  if (create.isSuccess)
    return (
      <p role="status" className="text-sm">
        Thanks — your review is posted.
      </p>
    );
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        create.mutate({
          productId,
          rating,
          title: String(f.get("title") ?? ""),
          body: String(f.get("body") ?? ""),
        });
      }}
    >
      <fieldset className="flex items-center gap-1">
        <legend className="mb-1 text-sm font-medium">Your rating</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            aria-label={`${n} star${n > 1 ? "s" : ""}`}
            aria-pressed={n <= rating}
            onClick={() => setRating(n)}
            className={`min-h-10 min-w-10 text-2xl ${n <= rating ? "text-amber-500" : "text-zinc-300"}`}
          >
            ★
          </button>
        ))}
      </fieldset>
      <label className="block text-sm">
        Title
        <input
          name="title"
          required
          maxLength={120}
          className="mt-1 min-h-10 w-full rounded-lg border border-zinc-300 px-3 dark:border-zinc-700 dark:bg-zinc-900"
        />
      </label>
      <label className="block text-sm">
        Review
        <textarea
          name="body"
          required
          maxLength={4000}
          rows={4}
          className="mt-1 w-full rounded-lg border border-zinc-300 px-3 py-2 dark:border-zinc-700 dark:bg-zinc-900"
        />
      </label>
      {create.error ? (
        <p role="alert" className="text-sm text-rose-700">
          {create.error.data?.code === "CONFLICT"
            ? "You have already reviewed this product."
            : create.error.message}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={create.isPending}
        className="min-h-10 rounded-lg bg-brand-600 px-4 text-sm font-semibold text-white disabled:opacity-60"
      >
        {create.isPending ? "Posting…" : "Post review"}
      </button>
    </form>
  );
}
