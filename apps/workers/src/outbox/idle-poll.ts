/**
 * How long the relay sleeps after a round in which every outbox was empty: `pollEveryMs` while
 * work is recent, then slower, step by step, up to `maxIdlePollMs`. A round that moved anything
 * resets the count, so under traffic the relay polls at full speed; only the first event after a
 * quiet spell waits longer (at most `maxIdlePollMs`). The checkout saga is enqueued directly, not
 * through the outbox, so orders do not wait on it.
 */
export const EMPTY_ROUNDS_PER_STEP = 8;

export function idlePollMs(
  pollEveryMs: number,
  maxIdlePollMs: number,
  emptyRounds: number,
): number {
  const steps = Math.floor(Math.max(0, emptyRounds - 1) / EMPTY_ROUNDS_PER_STEP);
  return Math.min(Math.max(pollEveryMs, maxIdlePollMs), pollEveryMs * (1 + steps));
}
