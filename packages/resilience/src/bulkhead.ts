/**
 * A bulkhead caps how many calls to one dependency run at once (and how many may wait), so a slow
 * dependency ties up its own slots instead of every request handler in the process. The limiting
 * is cockatiel's; this file adds a typed rejection error, a name, metrics and a registry.
 */
import { bulkhead as cockatielBulkhead, isBulkheadRejectedError } from "cockatiel";
import { Gauge } from "prom-client";
import { BulkheadRejectedError } from "./errors.ts";
import { bulkheadRejections, resilienceMetrics } from "./metrics.ts";

export interface BulkheadOptions {
  /** Calls allowed to run at the same time. */
  maxConcurrent: number;
  /** Calls allowed to wait for a slot; beyond that they are rejected at once. Default 0. */
  maxQueue?: number;
}

export interface BulkheadSnapshot {
  name: string;
  maxConcurrent: number;
  maxQueue: number;
  inFlight: number;
  queued: number;
  rejections: number;
}

export interface Bulkhead {
  readonly name: string;
  /** Runs `fn` when a slot is free; throws BulkheadRejectedError when slots and queue are full. */
  execute<T>(
    fn: (ctx: { signal: AbortSignal }) => Promise<T>,
    opts?: { signal?: AbortSignal },
  ): Promise<T>;
  snapshot(): BulkheadSnapshot;
  /** Removes the bulkhead from the registry and its series from the metrics. */
  dispose(): void;
}

const registry = new Map<string, Bulkhead>();

// A bundler (Next.js) may load this module more than once in one process: every copy adds its
// registry here, and the gauges below (registered once, like the metrics they sit beside) read all.
const REGISTRIES = Symbol.for("@agora/resilience/bulkhead-registries");
const slot = globalThis as typeof globalThis & { [REGISTRIES]?: Set<Map<string, Bulkhead>> };
const registries = (slot[REGISTRIES] ??= new Set());
registries.add(registry);

/** Every live bulkhead in this process, for the ops console. */
export function bulkheads(): BulkheadSnapshot[] {
  return [...registries].flatMap((r) => [...r.values()].map((b) => b.snapshot()));
}

// Gauges read the live policies at scrape time (prom-client `collect`), so they can never drift
// from cockatiel's own accounting of active and queued calls.
function registerGauges(): void {
  new Gauge({
    name: "resilience_bulkhead_in_flight",
    help: "Calls currently executing inside a bulkhead",
    labelNames: ["bulkhead"] as const,
    registers: [resilienceMetrics],
    collect() {
      this.reset(); // drop series of disposed bulkheads
      for (const b of bulkheads()) this.set({ bulkhead: b.name }, b.inFlight);
    },
  });
  new Gauge({
    name: "resilience_bulkhead_queued",
    help: "Calls waiting in a bulkhead's queue",
    labelNames: ["bulkhead"] as const,
    registers: [resilienceMetrics],
    collect() {
      this.reset();
      for (const b of bulkheads()) this.set({ bulkhead: b.name }, b.queued);
    },
  });
}
if (!resilienceMetrics.getSingleMetric("resilience_bulkhead_in_flight")) registerGauges();

export function createBulkhead(name: string, opts: BulkheadOptions): Bulkhead {
  if (registry.has(name)) throw new Error(`bulkhead "${name}" already exists`);
  const { maxConcurrent, maxQueue = 0 } = opts;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1)
    throw new RangeError("maxConcurrent must be an integer >= 1");
  if (!Number.isInteger(maxQueue) || maxQueue < 0)
    throw new RangeError("maxQueue must be an integer >= 0");

  const policy = cockatielBulkhead(maxConcurrent, maxQueue);
  let rejections = 0;

  const b: Bulkhead = {
    name,
    async execute(fn, { signal } = {}) {
      try {
        return await policy.execute(fn, signal);
      } catch (err) {
        if (!isBulkheadRejectedError(err)) throw err;
        rejections++;
        bulkheadRejections.inc({ bulkhead: name });
        throw new BulkheadRejectedError(name, maxConcurrent, maxQueue);
      }
    },
    snapshot: () => ({
      name,
      maxConcurrent,
      maxQueue,
      inFlight: maxConcurrent - policy.executionSlots,
      queued: maxQueue - policy.queueSlots,
      rejections,
    }),
    dispose() {
      registry.delete(name);
      bulkheadRejections.remove({ bulkhead: name });
    },
  };
  registry.set(name, b);
  return b;
}
