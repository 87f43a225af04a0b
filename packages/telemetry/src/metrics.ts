/**
 * Prometheus metrics for an Agora process: one registry per process with the default process
 * metrics, RED (rate, errors, duration) helpers, and a `/metrics` body that also includes other
 * packages' registries. Every metric name made here starts with `agora_`.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export const METRIC_PREFIX = "agora_";

/** Seconds; 5 ms to 10 s covers a cache hit up to a checkout that waited on the payment provider. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * How often prom-client's event-loop delay histogram samples (ms). Its default, 10 ms, is a libuv
 * timer firing 100 times a second in every process: measured on this box, ~0.27 CPU s per minute
 * per idle Node process (node + `monitorEventLoopDelay`, 60 s, against none), about a third of an
 * idle worker's whole cost, times ~25 processes. At 250 ms it costs ~0.03 CPU s/min; the lag
 * gauge (`nodejs_eventloop_lag_seconds`, timed with setImmediate at each scrape) is unaffected,
 * and a block longer than the interval still shows in the histogram's max and p99.
 */
export const EVENT_LOOP_MONITORING_PRECISION_MS = 250;

interface ProcessMetrics {
  registry: Registry;
  exposed: Set<Registry>;
}

// Kept on globalThis because Next.js dev re-evaluates modules on hot reload: a fresh registry
// would re-run collectDefaultMetrics and lose the counts, and helpers would re-register names.
const GLOBAL_KEY = Symbol.for("@agora/telemetry/metrics");
const globalSlot = globalThis as typeof globalThis & { [GLOBAL_KEY]?: ProcessMetrics };

function processMetrics(): ProcessMetrics {
  let state = globalSlot[GLOBAL_KEY];
  if (!state) {
    const registry = new Registry();
    collectDefaultMetrics({
      register: registry,
      prefix: METRIC_PREFIX,
      eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_PRECISION_MS,
    });
    state = { registry, exposed: new Set() };
    globalSlot[GLOBAL_KEY] = state;
  }
  return state;
}

/** This process's registry (default process metrics plus everything made by the helpers). */
export const metricsRegistry: Registry = processMetrics().registry;

export interface MetricConfig<L extends string> {
  /** Without the `agora_` prefix, e.g. `checkout_sagas_total`. */
  name: string;
  help: string;
  labelNames?: readonly L[];
}

function prefixed(name: string): string {
  return `${METRIC_PREFIX}${name}`;
}

export class MetricTypeConflictError extends Error {
  readonly code = "METRIC_TYPE_CONFLICT";
  constructor(name: string, wanted: string) {
    super(`metric ${name} is already registered with a different type than ${wanted}`);
    this.name = "MetricTypeConflictError";
  }
}

// The same name must always mean the same metric: return the registered one instead of throwing
// "already registered", but refuse a different type under that name.
function registeredOrCreate<M>(
  fullName: string,
  kind: abstract new (...args: never[]) => M,
  create: () => M,
): M {
  const existing = metricsRegistry.getSingleMetric(fullName);
  if (existing === undefined) return create();
  if (existing instanceof kind) return existing;
  // A bundler may load a second copy of prom-client; the class name still says what it is.
  if (existing.constructor.name === kind.name) return existing as M;
  throw new MetricTypeConflictError(fullName, kind.name);
}

export function counter<L extends string = string>(config: MetricConfig<L>): Counter<L> {
  const name = prefixed(config.name);
  return registeredOrCreate(
    name,
    Counter<L>,
    () =>
      new Counter<L>({
        name,
        help: config.help,
        labelNames: config.labelNames ?? [],
        registers: [metricsRegistry],
      }),
  );
}

/**
 * `collect`, when given, runs at every scrape and sets the gauge from live state (a pool's open
 * connections, say), so the value is never stale and nothing has to poll.
 */
export function gauge<L extends string = string>(
  config: MetricConfig<L> & { collect?: (g: Gauge<L>) => void },
): Gauge<L> {
  const name = prefixed(config.name);
  const collect = config.collect;
  return registeredOrCreate(
    name,
    Gauge<L>,
    () =>
      new Gauge<L>({
        name,
        help: config.help,
        labelNames: config.labelNames ?? [],
        registers: [metricsRegistry],
        ...(collect
          ? {
              collect(this: Gauge<L>) {
                collect(this);
              },
            }
          : {}),
      }),
  );
}

export function histogram<L extends string = string>(
  config: MetricConfig<L> & { buckets?: readonly number[] },
): Histogram<L> {
  const name = prefixed(config.name);
  return registeredOrCreate(
    name,
    Histogram<L>,
    () =>
      new Histogram<L>({
        name,
        help: config.help,
        labelNames: config.labelNames ?? [],
        buckets: [...(config.buckets ?? DURATION_BUCKETS_SECONDS)],
        registers: [metricsRegistry],
      }),
  );
}

export type RedStatus = "ok" | "error";

export interface RedMetrics {
  /** `agora_<name>_duration_seconds{procedure,status}` */
  readonly duration: Histogram<"procedure" | "status">;
  /** `agora_<name>_requests_total{procedure,status,error}`; `error` is the error class, only on errors. */
  readonly requests: Counter<"procedure" | "status" | "error">;
  /** Runs `fn`, records its duration and outcome, and returns or rethrows its result unchanged. */
  time<T>(procedure: string, fn: () => T | Promise<T>): Promise<T>;
}

/**
 * Rate/errors/duration for one kind of unit of work (`api`, `job`, `db_query`…), labelled by
 * procedure. The error class is a counter label only: it is bounded by code, but multiplying it by
 * the histogram buckets would be needless series.
 */
export function redMetrics(
  name: string,
  options: { buckets?: readonly number[] } = {},
): RedMetrics {
  const duration = histogram({
    name: `${name}_duration_seconds`,
    help: `Duration of ${name} calls in seconds, by procedure and status`,
    labelNames: ["procedure", "status"] as const,
    buckets: options.buckets,
  });
  const requests = counter({
    name: `${name}_requests_total`,
    help: `${name} calls by procedure, status and error class`,
    labelNames: ["procedure", "status", "error"] as const,
  });
  return {
    duration,
    requests,
    async time<T>(procedure: string, fn: () => T | Promise<T>): Promise<T> {
      const stop = duration.startTimer({ procedure });
      try {
        const result = await fn();
        stop({ status: "ok" });
        requests.inc({ procedure, status: "ok" });
        return result;
      } catch (err) {
        stop({ status: "error" });
        requests.inc({ procedure, status: "error", error: errorClassName(err) });
        throw err;
      }
    },
  };
}

/** The thrown value's class (`TRPCError`, `CircuitOpenError`), which `err.name` often is not. */
export function errorClassName(err: unknown): string {
  if (err instanceof Error) return err.constructor.name || err.name || "Error";
  return "NonError";
}

/**
 * Adds another package's registry (e.g. `@agora/resilience`'s `resilienceMetrics`) to what this
 * process serves on `/metrics`. Idempotent, so calling it from a hot-reloaded module is harmless.
 */
export function exposeRegistry(registry: Registry): void {
  if (registry !== metricsRegistry) processMetrics().exposed.add(registry);
}

/** `Registry.merge` that tolerates the same registry being listed twice. */
export function mergeRegistries(registries: readonly Registry[]): Registry {
  return Registry.merge([...new Set(registries)]);
}

export interface MetricsResponse {
  contentType: string;
  body: string;
}

/**
 * The body of a `/metrics` route: this process's registry, every exposed registry and any passed
 * here. Throws if two registries define the same metric name, which is a bug to fix, not hide.
 */
export async function metricsHandler(extra: readonly Registry[] = []): Promise<MetricsResponse> {
  const merged = mergeRegistries([metricsRegistry, ...processMetrics().exposed, ...extra]);
  return { contentType: merged.contentType, body: await merged.metrics() };
}
