/** The bench's human output: one table of scenarios, then the idle, work and soak breakdowns per process. */
import { growthPct } from "../soak/rss-growth.ts";
import type { BenchRun, ProcessGrowth, ProcessUsage, ScenarioResult, SoakUsage } from "./result.ts";

const dash = "–";

export function formatMs(ms: number | null): string {
  if (ms === null || Number.isNaN(ms)) return dash;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function formatRps(rps: number): string {
  if (rps >= 100) return String(Math.round(rps));
  return rps.toFixed(1);
}

export function formatRatio(ratio: number | null): string {
  return ratio === null ? dash : `${(ratio * 100).toFixed(1)} %`;
}

/** "+4.2 %", "-1.0 %", or a dash where there is nothing to compare. */
export function formatGrowthPct(pct: number | null): string {
  if (pct === null || Number.isNaN(pct)) return dash;
  return `${pct >= 0 ? "+" : ""}${pct.toFixed(1)} %`;
}

function verdicts(r: ScenarioResult): string {
  if (r.targets.length === 0) return dash;
  return r.targets.map((t) => `${t.met ? "✔" : "✖"} ${t.label}`).join("; ");
}

/** Left-aligned first column, the rest right-aligned except the last (targets). */
export function renderTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) =>
        i === 0 || i === cells.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function scenarioRow(r: ScenarioResult): string[] {
  if (r.idle) {
    return [
      r.name,
      dash,
      dash,
      dash,
      dash,
      dash,
      dash,
      dash,
      `${r.idle.cores.toFixed(3)} core, RSS ${(r.idle.rssMb / 1024).toFixed(2)} GB`,
      verdicts(r),
    ];
  }
  return [
    r.name,
    String(r.concurrency),
    formatRps(r.rps),
    formatMs(r.p50Ms),
    formatMs(r.p95Ms),
    formatMs(r.p99Ms),
    String(r.non2xx),
    String(r.errors),
    r.soak ? soakSummary(r.soak) : formatRatio(r.ratioToCeiling),
    verdicts(r),
  ];
}

/** The soak's cell where loads show their share of the ceiling: "RSS 5.10 → 5.21 GB (+2.2 %), 0 grew". */
export function soakSummary(s: SoakUsage): string {
  const gb = (mb: number) => (mb / 1024).toFixed(2);
  const grew = s.processes.filter((p) => p.grew).length;
  return `RSS ${gb(s.rssMbStart)} → ${gb(s.rssMbEnd)} GB (${formatGrowthPct(growthPct(s.rssMbStart, s.rssMbEnd))}), ${grew} grew > ${s.growthLimitPct} %`;
}

export const SCENARIO_HEADER = [
  "scenario",
  "conc",
  "rps",
  "p50",
  "p95",
  "p99",
  "non-2xx",
  "errors",
  "×ceiling",
  "targets",
];

export function processRows(processes: readonly ProcessUsage[]): string[][] {
  return [...processes]
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds)
    .map((p) => [
      p.name,
      p.cpuSecondsPerMinute.toFixed(2),
      p.cores.toFixed(3),
      p.rssMb.toFixed(0),
      p.pssMb.toFixed(0),
      String(p.pids),
      "",
    ]);
}

export const PROCESS_HEADER = ["process", "cpu s/min", "cores", "RSS MB", "PSS MB", "pids", ""];

export const WORK_HEADER = ["process", "cpu s", "ms per unit", "cores", "RSS MB"];

/** CPU of each process over a timed part, per unit of work finished (processes that did none left out). */
export function workRows(work: NonNullable<ScenarioResult["work"]>): string[][] {
  const perUnit = (s: number) => (work.units > 0 ? ((s * 1000) / work.units).toFixed(1) : dash);
  const busy = [...work.processes]
    .filter((p) => p.cpuSeconds > 0)
    .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
  const total = busy.reduce((t, p) => t + p.cpuSeconds, 0);
  return [
    ...busy.map((p) => [
      p.name,
      p.cpuSeconds.toFixed(2),
      perUnit(p.cpuSeconds),
      p.cores.toFixed(3),
      p.rssMb.toFixed(0),
    ]),
    ["total", total.toFixed(2), perUnit(total), ((total * 1000) / Math.max(1, work.windowMs)).toFixed(3), ""],
  ];
}

export const GROWTH_HEADER = ["process", "start MB", "end MB", "max MB", "growth", "cpu s", ""];

/** One row per process, biggest growth first (as the soak orders them), flagged past the limit; a total. */
export function growthRows(s: SoakUsage): string[][] {
  const mb = (x: number | null) => (x === null ? dash : x.toFixed(0));
  const row = (p: ProcessGrowth) => [
    p.name,
    mb(p.startRssMb),
    mb(p.endRssMb),
    mb(p.maxRssMb),
    formatGrowthPct(p.growthPct),
    p.cpuSeconds.toFixed(1),
    p.grew ? `✖ > ${s.growthLimitPct} %` : "",
  ];
  return [
    ...s.processes.map(row),
    [
      "total",
      s.rssMbStart.toFixed(0),
      s.rssMbEnd.toFixed(0),
      s.rssMbMax.toFixed(0),
      formatGrowthPct(growthPct(s.rssMbStart, s.rssMbEnd)),
      s.processes.reduce((t, p) => t + p.cpuSeconds, 0).toFixed(1),
      "",
    ],
  ];
}

export function formatRun(run: BenchRun): string {
  const out = [
    `Agora bench ${run.at} (${run.mode}) against ${run.gateway}; ${run.host.cpus} CPUs, load ${run.host.loadAvg1m.toFixed(2)} at start; client identity: ${run.identity}`,
    "",
    renderTable(SCENARIO_HEADER, run.results.map(scenarioRow)),
  ];
  const notes = run.results.flatMap((r) => r.notes.map((n) => `  ${r.name}: ${n}`));
  if (notes.length) out.push("", "Notes:", ...notes);
  for (const r of run.results) {
    if (!r.idle) continue;
    out.push(
      "",
      `Idle over ${r.durationS} s, per process (process and its children, from /proc):`,
      renderTable(PROCESS_HEADER, [
        ...processRows(r.idle.processes),
        [
          "total",
          (r.idle.cores * 60).toFixed(2),
          r.idle.cores.toFixed(3),
          r.idle.rssMb.toFixed(0),
          r.idle.pssMb.toFixed(0),
          String(r.idle.processes.reduce((s, p) => s + p.pids, 0)),
          "",
        ],
      ]),
    );
  }
  for (const r of run.results) {
    if (!r.work) continue;
    out.push(
      "",
      `${r.name}: CPU over the timed part (${(r.work.windowMs / 1000).toFixed(1)} s, ${r.work.units} ${r.work.unit}s), per process (with its children, from /proc):`,
      renderTable(WORK_HEADER, workRows(r.work)),
    );
  }
  for (const r of run.results) {
    if (!r.soak) continue;
    const o = r.soak.orders;
    out.push(
      "",
      `${r.name}: RSS per process (with its children, from /proc) over ${r.durationS} s of steady load after a ${r.soak.warmupS} s warm-up, ${r.soak.atS.length} samples every ${r.soak.sampleEveryS} s; ${r.requests} requests, ${r.errors} errors, ${o.ready} orders ready, ${o.outOfStock} out of stock:`,
      renderTable(GROWTH_HEADER, growthRows(r.soak)),
    );
  }
  return out.join("\n");
}
