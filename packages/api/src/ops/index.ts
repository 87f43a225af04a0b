/** Operator-side domain pieces other packages and apps use directly (not through tRPC). */
export type { DrillOutcome } from "./drills/drill-runs.ts";
export type { TrafficSummary, TrafficProbe } from "./drills/traffic.ts";
export { checkInvariants, type InvariantResult } from "./invariants.ts";
export { MAINTENANCE_QUEUE, PERSONAL_DATA_KEYS_JOB, type KeyJobProgressReport } from "./keys/key-job-contract.ts";
export { parsePrometheus, scrapeTargets } from "./telemetry/metrics-history.ts";
export { queueOverview, type QueueView } from "./queues/queue-overview.ts";
