/**
 * What a writer lived through during a drill, from the acknowledgement times alone: the longest
 * stretch after the fault with no write acknowledged by anyone. That is the write unavailability
 * a user sees; the drills' `rto_ms` (fault → first write acknowledged by the new primary) is
 * longer when the old primary keeps acknowledging for a while (a frozen Patroni's Postgres until
 * HAProxy fences it).
 */

/**
 * The longest gap between consecutive acknowledgements, counted from the fault on (a gap that
 * began before the fault counts from the fault), up to `until` if no write was acknowledged after
 * the last one. Acknowledgement times may come in any order.
 */
export function longestWriteGap(ackTimes: readonly number[], faultAt: number, until: number): number {
  const after = ackTimes.filter((at) => at >= faultAt).sort((a, b) => a - b);
  let longest = 0;
  let from = faultAt;
  for (const at of after) {
    longest = Math.max(longest, at - from);
    from = at;
  }
  return Math.max(longest, until - from);
}

export function p95(xs: readonly number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? 0);
}
