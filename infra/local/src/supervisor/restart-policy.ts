/**
 * When to restart a crashed process: exponential backoff with jitter, and a crash-loop cap that
 * gives up after too many restarts in a window (a process that dies at once on every start is
 * broken, and restarting it forever only burns the CPU the rest of the topology needs).
 */

export interface RestartPolicy {
  /** Delay before the first restart; doubles for each restart still inside the window. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Give up once `maxRestarts` restarts happened within `windowMs`. */
  maxRestarts: number;
  windowMs: number;
}

/** Like systemd's `StartLimitBurst=5` in `StartLimitIntervalSec=60`, with Kubernetes-style backoff. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRestarts: 5,
  windowMs: 60_000,
};

export type RestartDecision =
  | { kind: "restart"; delayMs: number; attempt: number }
  | { kind: "give-up"; restartsInWindow: number };

/**
 * `restartTimes`: when this process was restarted before (ms). The delay is "equal jitter": half
 * the exponential step fixed, half random, so restarts of processes that crashed together (a Redis
 * failover) spread out instead of stampeding, yet never come back instantly.
 */
export function decideRestart(
  policy: RestartPolicy,
  restartTimes: readonly number[],
  now: number,
  random: () => number = Math.random,
): RestartDecision {
  const recent = restartTimes.filter((at) => at > now - policy.windowMs).length;
  if (recent >= policy.maxRestarts) return { kind: "give-up", restartsInWindow: recent };
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** recent);
  return {
    kind: "restart",
    delayMs: Math.round(step / 2 + random() * (step / 2)),
    attempt: recent + 1,
  };
}
