/**
 * Placement policy for a new vendor: the shard with the fewest vendors; ties go to the lowest
 * shard name, so placement is deterministic (the seed relies on that).
 */
export function chooseShard(
  vendorCounts: Readonly<Record<string, number>>,
  shards: readonly string[],
): string {
  if (shards.length === 0) throw new Error("no shards configured");
  const sorted = [...shards].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let best = sorted[0] as string;
  for (const s of sorted) {
    if ((vendorCounts[s] ?? 0) < (vendorCounts[best] ?? 0)) best = s;
  }
  return best;
}
