/**
 * Which vendors to move so the shards carry similar load: a greedy plan, pure so it can be tested
 * and shown before anyone acts on it. Repeatedly takes the heaviest and the lightest shard and
 * moves, from the heaviest, the biggest vendor whose move narrows the gap (its load at most half
 * the gap), until the gap is within `tolerance` of the mean or `maxMoves` is reached. A vendor
 * bigger than half the gap stays: moving it would only swap which shard is hot.
 */
export interface ShardLoad {
  shard: string;
  vendors: readonly { vendorId: string; load: number }[];
}

export interface ProposedMove {
  vendorId: string;
  from: string;
  to: string;
  load: number;
}

export interface RebalanceOptions {
  /** Stop once max − min ≤ tolerance × mean (default 0.1). */
  tolerance?: number;
  maxMoves?: number;
}

export function proposeMoves(
  shards: readonly ShardLoad[],
  options: RebalanceOptions = {},
): ProposedMove[] {
  const tolerance = options.tolerance ?? 0.1;
  const maxMoves = options.maxMoves ?? 5;
  if (shards.length < 2) return [];
  const state = shards.map((s) => ({
    shard: s.shard,
    vendors: [...s.vendors].sort((a, b) => b.load - a.load),
    total: s.vendors.reduce((sum, v) => sum + v.load, 0),
  }));
  const mean = state.reduce((s, x) => s + x.total, 0) / state.length;
  const moves: ProposedMove[] = [];
  while (moves.length < maxMoves) {
    state.sort((a, b) => b.total - a.total || a.shard.localeCompare(b.shard));
    const heavy = state[0];
    const light = state[state.length - 1];
    if (!heavy || !light) break;
    const gap = heavy.total - light.total;
    if (gap <= tolerance * mean || gap <= 0) break;
    const i = heavy.vendors.findIndex((v) => v.load > 0 && v.load <= gap / 2);
    if (i < 0) break;
    const [v] = heavy.vendors.splice(i, 1);
    if (!v) break;
    heavy.total -= v.load;
    light.total += v.load;
    light.vendors.push(v);
    light.vendors.sort((a, b) => b.load - a.load);
    moves.push({ vendorId: v.vendorId, from: heavy.shard, to: light.shard, load: v.load });
  }
  return moves;
}
