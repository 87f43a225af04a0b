/** What one scenario reports: a row of the table, a line of the JSON, a part of the history. */

/** One statement's totals on one cluster over a timed part (pg_stat_statements). */
export interface StatementStat {
  cluster: string;
  /** Normalised text (constants as $n), whitespace collapsed. */
  query: string;
  calls: number;
  totalMs: number;
  rows: number;
}

/** Connections to a cluster's primary at their peak, in all and by `application_name`. */
export interface ConnectionPeak {
  cluster: string;
  maxConnections: number;
  peak: number;
  /** application_name → its most connections seen at once. */
  byApplication: Record<string, number>;
}

export interface ProcessUsage {
  name: string;
  /** CPU seconds (user + system) of the process and its children over the window. */
  cpuSeconds: number;
  /** cpuSeconds scaled to one minute of wall time. */
  cpuSecondsPerMinute: number;
  /** Share of one core over the window. */
  cores: number;
  rssMb: number;
  /** Proportional set size: shared pages (Postgres buffers) split among their users. */
  pssMb: number;
  pids: number;
}

/** One process over a soak's measured part, its RSS read at every sample. */
export interface ProcessGrowth {
  name: string;
  /** RSS (MB, with its children) at each sample; null where it was not running. */
  rssMb: (number | null)[];
  /** RSS at the first and the last sample it ran in. */
  startRssMb: number | null;
  endRssMb: number | null;
  maxRssMb: number | null;
  /** (end − start) / start in %; null unless it ran at both the first and the last sample. */
  growthPct: number | null;
  /** Its end RSS is more than the soak's limit above its start RSS. */
  grew: boolean;
  /** CPU seconds over the measured part. */
  cpuSeconds: number;
}

/** What a soak measured besides the traffic columns: every process's memory under steady load. */
export interface SoakUsage {
  warmupS: number;
  sampleEveryS: number;
  /** Seconds into the measured part of each sample (the first at 0, the last at its end). */
  atS: number[];
  /** A process whose end RSS is more than this % above its start RSS is flagged. */
  growthLimitPct: number;
  /** The whole product's RSS at the first and the last sample, and the highest sample. */
  rssMbStart: number;
  rssMbEnd: number;
  rssMbMax: number;
  /**
   * Checkouts finished in the measured part (and the ones still under way at its end); out of
   * stock is the product's correct answer once the soak's stock is sold, not a failure. `skipped`:
   * starts left out because the most checkouts allowed at once were still under way.
   */
  orders: { ready: number; failed: number; outOfStock: number; skipped: number };
  processes: ProcessGrowth[];
}

export interface ScenarioResult {
  name: string;
  title: string;
  /** Concurrent connections or shoppers; 0 for the idle window. */
  concurrency: number;
  durationS: number;
  requests: number;
  rps: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  non2xx: number;
  errors: number;
  /** rps / the node-hello ceiling measured in the same run. */
  ratioToCeiling: number | null;
  /** Idle window only. */
  idle?: { cores: number; rssMb: number; pssMb: number; processes: ProcessUsage[] };
  /**
   * CPU of every product process over a scenario's timed part and the units of work it finished
   * (checkout: orders ready): CPU per unit is the figure a shared, noisy box cannot inflate.
   */
  work?: { windowMs: number; units: number; unit: string; processes: ProcessUsage[] };
  /** The databases' most expensive statements over the timed part (checkout: pg_stat_statements). */
  statements?: StatementStat[];
  /** Each primary's connections at their peak over the timed part, by application_name. */
  connections?: ConnectionPeak[];
  /** Soak only: RSS per process sampled over a long steady load. */
  soak?: SoakUsage;
  notes: string[];
  /** Filled by evaluateTargets. */
  targets: TargetVerdict[];
}

/** The traffic columns of a row that sent none (the idle window, a scenario that could not run). */
export const NO_TRAFFIC = {
  concurrency: 0,
  requests: 0,
  rps: 0,
  p50Ms: null,
  p95Ms: null,
  p99Ms: null,
  non2xx: 0,
} as const;

export interface TargetVerdict {
  label: string;
  met: boolean;
}

export interface BenchRun {
  at: string;
  mode: "full" | "quick";
  gateway: string;
  identity: string;
  host: { cpus: number; loadAvg1m: number };
  results: ScenarioResult[];
}
