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
