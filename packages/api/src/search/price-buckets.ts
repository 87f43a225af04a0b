/** Price facet buckets (cents, lower bound inclusive, upper exclusive; null = open-ended). */
export const PRICE_BUCKETS: readonly { label: string; min: number; max: number | null }[] = [
  { label: "Under €25", min: 0, max: 2_500 },
  { label: "€25 – €50", min: 2_500, max: 5_000 },
  { label: "€50 – €100", min: 5_000, max: 10_000 },
  { label: "€100 – €250", min: 10_000, max: 25_000 },
  { label: "€250 and up", min: 25_000, max: null },
];
