/**
 * The operation history of a soak, Jepsen-style: every client operation is an `invoke` event
 * followed by exactly one completion — `ok` (the system acknowledged it), `fail` (it definitely did
 * not happen: the API refused it) or `info` (indeterminate: a timeout or a dropped connection, so it
 * may or may not have taken effect). Faults are recorded in the same history (process `nemesis`),
 * so a violation can be shown next to what the scheduler was doing at the time.
 */

export type OpKind =
  | "checkout"
  | "order-read"
  | "stock-adjust"
  | "product-edit"
  | "payout-request"
  | "payout-read"
  | "fault-start"
  | "fault-stop";

export type EventType = "invoke" | "ok" | "fail" | "info";

export interface HistoryEvent {
  /** Position in the history (total order of recording). */
  index: number;
  /** The operation this event belongs to: an invoke and its completion share it. */
  op: number;
  /** The client that ran it (`shopper-3`, `vendor`, `nemesis`); one operation at a time per process. */
  process: string;
  type: EventType;
  f: OpKind;
  /** ms since the start of the soak. */
  time: number;
  round: number;
  value: Record<string, unknown>;
  error?: string;
}

export class History {
  readonly events: HistoryEvent[] = [];
  private nextOp = 0;
  private readonly t0 = Date.now();
  round = 0;

  private push(e: Omit<HistoryEvent, "index" | "time" | "round">): void {
    this.events.push({ ...e, index: this.events.length, time: Date.now() - this.t0, round: this.round });
  }

  /**
   * Runs `fn` as one operation of `process`: records the invoke, then ok with its value, fail when
   * `definite(err)` says the call was refused, info otherwise (Jepsen's indeterminate result).
   */
  async run<T extends Record<string, unknown>>(
    process: string,
    f: OpKind,
    value: Record<string, unknown>,
    fn: () => Promise<T>,
    definite: (err: unknown) => boolean,
  ): Promise<T | undefined> {
    const op = this.nextOp++;
    this.push({ op, process, type: "invoke", f, value });
    try {
      const out = await fn();
      this.push({ op, process, type: "ok", f, value: { ...value, ...out } });
      return out;
    } catch (err) {
      const error = err instanceof Error ? err.message.slice(0, 200) : String(err);
      this.push({ op, process, type: definite(err) ? "fail" : "info", f, value, error });
      return undefined;
    }
  }

  /** A nemesis event (fault injected or healed); no completion follows. */
  note(f: "fault-start" | "fault-stop", value: Record<string, unknown>): void {
    this.push({ op: this.nextOp++, process: "nemesis", type: "info", f, value });
  }
}

/** The completion of every operation, keyed by op id (invokes without one are still running). */
export function completions(events: readonly HistoryEvent[]): Map<number, HistoryEvent> {
  const out = new Map<number, HistoryEvent>();
  for (const e of events) if (e.type !== "invoke" && e.process !== "nemesis") out.set(e.op, e);
  return out;
}

/** The events around the given indexes (±`around`), for printing a violation. */
export function historySlice(
  events: readonly HistoryEvent[],
  indexes: readonly number[],
  around = 4,
): HistoryEvent[] {
  const keep = new Set<number>();
  for (const i of indexes)
    for (let j = Math.max(0, i - around); j <= Math.min(events.length - 1, i + around); j++) keep.add(j);
  return events.filter((e) => keep.has(e.index));
}

export function formatEvent(e: HistoryEvent): string {
  const v = JSON.stringify(e.value);
  return `${String(e.index).padStart(5)} ${(e.time / 1000).toFixed(3).padStart(9)}s r${e.round} ${e.process.padEnd(10)} ${e.type.padEnd(6)} ${e.f.padEnd(12)} ${v}${e.error ? `  ✗ ${e.error}` : ""}`;
}
