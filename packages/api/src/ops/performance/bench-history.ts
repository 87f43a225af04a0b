/**
 * The console's Performance page: the runs of `npm run bench` (tools/bench) that the deployment
 * keeps (locally `<state folder>/bench/history.jsonl`, appended by every run), reduced to the
 * figures the page charts. A line that is not a bench run is skipped, not fatal: the file is
 * written by a tool outside the API.
 */
import { z } from "zod";
import { BENCH_RUNS_SHOWN, opsBackend } from "../backend.ts";

const resultSchema = z.object({
  name: z.string(),
  concurrency: z.number().nullable().optional(),
  rps: z.number().nullable().optional(),
  p50Ms: z.number().nullable().optional(),
  p95Ms: z.number().nullable().optional(),
  p99Ms: z.number().nullable().optional(),
  non2xx: z.number().nullable().optional(),
  errors: z.number().nullable().optional(),
  ratioToCeiling: z.number().nullable().optional(),
  idle: z.object({ cores: z.number(), rssMb: z.number() }).nullable().optional(),
  targets: z.array(z.object({ label: z.string(), met: z.boolean() })).optional(),
});

const runSchema = z.object({
  at: z.string(),
  mode: z.enum(["full", "quick"]),
  host: z.object({ cpus: z.number(), loadAvg1m: z.number() }).optional(),
  results: z.array(z.unknown()),
});

export interface BenchScenarioView {
  name: string;
  concurrency: number | null;
  rps: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  non2xx: number;
  errors: number;
  /** rps over the same run's node-hello rps, 0..n (null without a ceiling in that run). */
  ratioToCeiling: number | null;
  idleCores: number | null;
  idleRssMb: number | null;
  targets: { label: string; met: boolean }[];
}

export interface BenchRunView {
  at: string;
  /** Epoch ms of `at`, for the time axis. */
  t: number;
  mode: "full" | "quick";
  /** Load average when the run started: a busy machine makes every figure pessimistic. */
  loadAvg1m: number | null;
  scenarios: BenchScenarioView[];
}

export interface PerformanceOverview {
  /** False when this deployment keeps no bench history (e.g. a cluster without the local state folder). */
  available: boolean;
  runs: BenchRunView[];
  /** Lines of the history that were not bench runs. */
  skipped: number;
}

function scenarioView(raw: unknown): BenchScenarioView | null {
  const r = resultSchema.safeParse(raw);
  if (!r.success) return null;
  const s = r.data;
  return {
    name: s.name,
    concurrency: s.concurrency ?? null,
    rps: s.rps ?? null,
    p50Ms: s.p50Ms ?? null,
    p95Ms: s.p95Ms ?? null,
    p99Ms: s.p99Ms ?? null,
    non2xx: s.non2xx ?? 0,
    errors: s.errors ?? 0,
    ratioToCeiling: s.ratioToCeiling ?? null,
    idleCores: s.idle?.cores ?? null,
    idleRssMb: s.idle?.rssMb ?? null,
    targets: s.targets ?? [],
  };
}

/** Bench runs from the history's parsed lines, oldest first, the newest BENCH_RUNS_SHOWN. */
export function benchRunsFrom(lines: readonly unknown[]): { runs: BenchRunView[]; skipped: number } {
  const runs: BenchRunView[] = [];
  let skipped = 0;
  for (const line of lines) {
    const r = runSchema.safeParse(line);
    const t = r.success ? Date.parse(r.data.at) : Number.NaN;
    if (!r.success || Number.isNaN(t)) {
      skipped++;
      continue;
    }
    runs.push({
      at: r.data.at,
      t,
      mode: r.data.mode,
      loadAvg1m: r.data.host?.loadAvg1m ?? null,
      scenarios: r.data.results.map(scenarioView).filter((s): s is BenchScenarioView => s !== null),
    });
  }
  runs.sort((a, b) => a.t - b.t);
  return { runs: runs.slice(-BENCH_RUNS_SHOWN), skipped };
}

export async function performanceOverview(): Promise<PerformanceOverview> {
  const lines = await opsBackend().benchHistory();
  if (lines === null) return { available: false, runs: [], skipped: 0 };
  return { available: true, ...benchRunsFrom(lines) };
}
