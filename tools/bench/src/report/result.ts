/** What one scenario reports: a row of the table, a line of the JSON, a part of the history. */

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
  statements?: { cluster: string; query: string; calls: number; totalMs: number; rows: number }[];
  /** Each primary's connections at their peak over the timed part, by application_name. */
  connections?: { cluster: string; maxConnections: number; peak: number; byApplication: Record<string, number> }[];
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
