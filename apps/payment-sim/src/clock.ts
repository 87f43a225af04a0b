/**
 * Time is injected so tests never wait for the simulator's real schedules (a 30 s processing
 * timeout, carrier steps, webhook backoff): production uses the system timers, tests a
 * `ManualScheduler` whose time only moves when the test says so.
 */

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface Scheduler {
  /** Runs `fn` once after `ms`; the returned function cancels it (a no-op once it ran). */
  schedule(ms: number, fn: () => void): () => void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemScheduler: Scheduler = {
  schedule(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(timer);
  },
};

export class AbortedError extends Error {
  readonly code = "aborted";
  constructor(message = "aborted") {
    super(message);
  }
}

/** Resolves after `ms` on `scheduler`; rejects with `AbortedError` as soon as `signal` aborts. */
export function delay(scheduler: Scheduler, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortedError());
      return;
    }
    const onAbort = () => {
      cancel();
      reject(new AbortedError());
    };
    const cancel = scheduler.schedule(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

interface ManualTask {
  at: number;
  seq: number;
  fn: () => void;
}

/** A clock and scheduler whose time advances only through `advance`, for deterministic tests. */
export class ManualScheduler implements Clock, Scheduler {
  private time: number;
  private seq = 0;
  private tasks: ManualTask[] = [];

  constructor(startAt = Date.UTC(2025, 0, 1)) {
    this.time = startAt;
  }

  now(): number {
    return this.time;
  }

  schedule(ms: number, fn: () => void): () => void {
    const task: ManualTask = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.tasks.push(task);
    return () => {
      this.tasks = this.tasks.filter((t) => t !== task);
    };
  }

  /** Number of tasks waiting to run. */
  get pending(): number {
    return this.tasks.length;
  }

  /** Moves time forward by `ms`, running every task that falls due, in time order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.tasks
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.tasks = this.tasks.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = target;
  }
}

/**
 * Wraps a scheduler and remembers what is still pending, so `close()` can cancel every timer the
 * simulator started and leave nothing running behind a stopped server.
 */
export class TrackedScheduler implements Scheduler {
  private readonly cancels = new Set<() => void>();

  constructor(private readonly inner: Scheduler) {}

  schedule(ms: number, fn: () => void): () => void {
    const cancelInner = this.inner.schedule(ms, () => {
      this.cancels.delete(cancel);
      fn();
    });
    const cancel = () => {
      this.cancels.delete(cancel);
      cancelInner();
    };
    this.cancels.add(cancel);
    return cancel;
  }

  cancelAll(): void {
    for (const cancel of [...this.cancels]) cancel();
  }
}
