/** `ms` ± 50 %, so candidates and relays that started together do not stay in lock-step. */
export function jitter(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (0.5 + random()));
}

/** Exponential backoff with full jitter, capped: bounded waits between retries. */
export function backoff(
  attempt: number,
  baseMs: number,
  capMs: number,
  random: () => number = Math.random,
): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16)));
}
