/**
 * The region drill started from the Regions page: its inputs, and the record the console keeps of
 * it beside the deployment (OpsBackend.read/writeRegionDrillRecord) — not in core, which the drill
 * takes away. The record is read back from a file another process may have written: parsed here.
 */
import { z } from "zod";

/** The failover drill: the region lost (the one holding core's primary) and the operator's yes. */
export const startRegionFailoverInput = z.object({
  region: z.string().regex(/^[a-z0-9-]+$/),
  confirm: z.literal(true, { error: "the region failover drill needs an explicit confirmation" }),
});
export type StartRegionFailoverInput = z.infer<typeof startRegionFailoverInput>;

export const startRegionFailbackInput = z.object({
  confirm: z.literal(true, { error: "the failback needs an explicit confirmation" }),
});

/** One thing the drill or the failback said, with when (the drill's own events, failback steps and log lines). */
export const regionDrillEventSchema = z.looseObject({
  type: z.string(),
  at: z.string(),
  ms: z.number().optional(),
  rtoMs: z.number().optional(),
  step: z.string().optional(),
  line: z.string().optional(),
  reason: z.string().optional(),
  names: z.array(z.string()).optional(),
  killed: z.array(z.string()).optional(),
  stopped: z.array(z.string()).optional(),
});
export type RegionDrillEvent = z.infer<typeof regionDrillEventSchema>;

/** An audit entry that waits for a writable core (the failback starts while core is down). */
export const pendingAuditSchema = z.object({
  actorUserId: z.string(),
  action: z.string(),
  targetId: z.string(),
  at: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type PendingAudit = z.infer<typeof pendingAuditSchema>;

export const REGION_DRILL_STATUSES = ["running", "passed", "failed", "error"] as const;

export const regionDrillRunSchema = z.object({
  id: z.uuid(),
  kind: z.enum(["failover", "failback"]),
  /** The region lost (failover) or given core's primary back (failback). */
  region: z.string(),
  status: z.enum(REGION_DRILL_STATUSES),
  actorUserId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Rewritten every second while running: a running record whose heartbeat stopped was abandoned. */
  heartbeatAt: z.string(),
  events: z.array(regionDrillEventSchema),
  /** The drill's synthetic writes so far (its progress ticks, kept as the latest only). */
  writes: z.object({ acked: z.number(), failed: z.number() }).nullable(),
  /** RegionFailoverReport (failover) or RegionFailbackReport (failback), as the backend returned it. */
  report: z.unknown().nullable(),
  error: z.string().nullable(),
  /** What still has to reach core once a primary of it is writable: the drill_runs row, audit entries. */
  pendingHistory: z.object({ drillRun: z.boolean(), audit: z.array(pendingAuditSchema) }),
});
export type RegionDrillRun = z.infer<typeof regionDrillRunSchema>;

/** The latest failover and the latest failback (a failback follows the failover it resets). */
export const regionDrillRecordSchema = z.object({
  failover: regionDrillRunSchema.nullable(),
  failback: regionDrillRunSchema.nullable(),
});
export type RegionDrillRecord = z.infer<typeof regionDrillRecordSchema>;

const ms = z.number().nullable();

/** The fields of a RegionFailoverReport the page shows (the report itself goes to drill_runs whole). */
export const failoverReportSchema = z.looseObject({
  drill_id: z.string(),
  old_primary: z.string(),
  new_primary: z.string().nullable(),
  rto_ms: ms,
  unavailable_ms: ms,
  acked_writes: z.number(),
  failed_writes: z.number(),
  split_brain: z.boolean(),
  replicas_converged: z.boolean(),
  started_at: z.string(),
  finished_at: z.string(),
  region: z.looseObject({
    lost: z.string(),
    promoted: z.string().nullable(),
    copy_age_at_loss_ms: ms,
    detected_ms: ms,
    promote_ms: ms,
    rpo_writes: z.number(),
    rpo_window_ms: ms,
    storefront_repointed_ms: ms,
    workers_started_ms: ms.optional(),
    edge: z.looseObject({ eu_clients_moved_ms: ms, errors: z.number() }),
    sync_cost: z.looseObject({
      async_commit_ms: z.object({ p50: ms }),
      sync_commit_ms: z.object({ p50: ms }),
    }),
  }),
});

export const failbackReportSchema = z.object({
  discarded: z.object({ orders: z.number().nullable(), drillWrites: z.number().nullable() }),
  euPrimary: z.string(),
  standbyRebuiltMs: z.number(),
  totalMs: z.number(),
});
