/** The batch's comparison: every bucket and metric where the stream's rollup is not the truth. */
import type { Granularity } from "@agora/api/analytics";
import { METRICS, type Metric, type RollupRow } from "./rollup-store.ts";

export interface RollupDifference {
  granularity: Granularity;
  vendorId: string;
  productId: string | null;
  bucketStart: Date;
  metric: Metric;
  /** The batch's value (recomputed from the events). */
  expected: number;
  /** The streaming rollup's value (0 when it has no row). */
  actual: number;
}

export interface RollupComparison {
  differences: RollupDifference[];
  /** Rows to write with the batch's values. */
  toSet: RollupRow[];
  /** Rows the batch found no events for. */
  toDelete: RollupRow[];
  bucketsCompared: number;
}

export function compareRollups(
  granularity: Granularity,
  expected: ReadonlyMap<string, RollupRow>,
  actual: ReadonlyMap<string, RollupRow>,
): RollupComparison {
  const out: RollupComparison = { differences: [], toSet: [], toDelete: [], bucketsCompared: 0 };
  const keys = [...new Set([...expected.keys(), ...actual.keys()])].sort();
  for (const key of keys) {
    out.bucketsCompared += 1;
    const e = expected.get(key);
    const a = actual.get(key);
    const row = (e ?? a)!;
    const differing = METRICS.filter((m) => (e?.values[m] ?? 0) !== (a?.values[m] ?? 0));
    for (const metric of differing)
      out.differences.push({
        granularity,
        vendorId: row.vendorId,
        productId: row.productId,
        bucketStart: row.bucketStart,
        metric,
        expected: e?.values[metric] ?? 0,
        actual: a?.values[metric] ?? 0,
      });
    if (differing.length === 0) continue;
    if (e) out.toSet.push(e);
    else if (a) out.toDelete.push(a);
  }
  return out;
}
