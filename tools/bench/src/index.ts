export { appendHistory, readHistory } from "./history.ts";
export type { BenchRun, ProcessUsage, ScenarioResult, TargetVerdict } from "./report/result.ts";
export { formatRun } from "./report/table.ts";
export { SCENARIO_NAMES } from "./scenarios.ts";
