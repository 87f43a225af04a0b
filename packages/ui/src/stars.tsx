/** A 1–5 star rating; the accessible name carries the number ("4 out of 5 stars"). */
export function Stars({ rating, size = "sm" }: { rating: number; size?: "sm" | "lg" }) {
  const full = Math.round(rating);
  return (
    <span
      role="img"
      aria-label={`${rating} out of 5 stars`}
      className={size === "lg" ? "text-xl text-amber-500" : "text-sm text-amber-500"}
    >
      {"★".repeat(full)}
      <span className="text-zinc-300 dark:text-zinc-600">{"★".repeat(5 - full)}</span>
    </span>
  );
}
