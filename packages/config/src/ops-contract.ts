/**
 * The shapes the platform's processes report in and the ops console reads: the live status of
 * every node, supervision, and failover drills. One definition for both sides — the local
 * topology (infra/local) produces them, the API's ops backend interface (packages/api/src/ops)
 * passes them to the console — so a field added on one side cannot be missing on the other.
 */

export type Health = "up" | "degraded" | "down";

/** `retired`: stopped by the autoscaler (scale-in); not restarted. */
export type SupervisedState = "running" | "restarting" | "held" | "gave-up" | "retired";

export interface ExitRecord {
  at: string;
  /** Exit code and signal as the parent saw them; both null when the supervisor was not the parent. */
  code: number | null;
  signal: string | null;
}

export interface NodeStatus {
  name: string;
  kind: "etcd" | "postgres" | "haproxy" | "cdn" | "redis" | "sentinel" | "app";
  /** e.g. leader / follower (etcd), leader / sync_standby / replica (Postgres), master / replica. */
  role: string;
  group?: string;
  pid?: number;
  port?: number;
  health: Health;
  /** Replication lag: bytes behind the leader (Postgres) or the master (Redis). */
  lagBytes?: number;
  /** Replay lag in ms, measured on the replica itself. */
  lagMs?: number;
  rssKb?: number;
  detail?: string;
  /** Supervised processes: restarts since the supervisor started, and how the last one ended. */
  restarts?: number;
  lastExit?: ExitRecord;
  supervision?: SupervisedState;
  /** Crash noticed → restarted process ready, for the last restart. */
  lastRestartMs?: number;
}

export interface TopologyStatus {
  profile: string;
  at: string;
  nodes: NodeStatus[];
  /** Leader per Postgres cluster and the Redis master, for quick checks. */
  leaders: Record<string, string | null>;
  totalRssKb: number;
}

export type DrillMode = "kill" | "freeze";

export type DrillEvent =
  | { type: "ready"; leader: string }
  | { type: "fault"; mode: DrillMode; node: string; pids: number[] }
  | { type: "recovered"; newPrimary: string | undefined; rtoMs: number }
  | { type: "progress"; acked: number; failed: number; sinceFaultMs?: number }
  | { type: "rejoining"; node: string }
  | { type: "rejoined"; node: string; ms: number }
  | { type: "done"; report: FailoverDrillReport };

export interface FailoverDrillReport {
  cluster: string;
  mode: DrillMode;
  drill_id: string;
  old_primary: string;
  new_primary: string | null;
  rto_ms: number | null;
  /**
   * The longest stretch after the fault with no write acknowledged by any node (write-gap.ts):
   * what a writer saw. Shorter than `rto_ms` when the old primary kept acknowledging after the
   * fault (freeze: until HAProxy fenced it).
   */
  unavailable_ms: number | null;
  acked_writes: number;
  failed_writes: number;
  lost_writes: number;
  lost_ids_sample: number[];
  /** Acknowledged writes per node, and whether two nodes took writes in overlapping periods. */
  acked_by_node: Record<string, number>;
  split_brain: boolean;
  rejoined: boolean;
  rejoin_ms: number | null;
  replicas_converged: boolean;
  latency_ms: { before_p95: number | null; after_p95: number | null };
  started_at: string;
  fault_at: string;
  finished_at: string;
}

/** Median and 95th percentile of a sample, in ms (null without samples). */
export interface MsSpread {
  p50: number | null;
  p95: number | null;
}

/**
 * A region failover drill (infra/local/src/drills/region-failover.ts): eu lost, the us standby
 * cluster of core promoted. The FailoverDrillReport fields keep their meaning (rto_ms = loss →
 * first write acknowledged in us; lost_writes = the RPO in acknowledged writes), so the drill
 * history lists it beside the node drills; `region` holds what only a region failover has.
 */
export interface RegionFailoverReport extends FailoverDrillReport {
  region: {
    lost: string;
    promoted: string | null;
    /** The us copy's age by the replication heartbeat just before the loss. */
    copy_age_at_loss_ms: number | null;
    /** Loss → the us side saw eu's core gone for good (three failed probes in a row). */
    detected_ms: number | null;
    /** Detection → the operator's confirmation (ADR 0010: promotion is operator-confirmed). */
    confirm_wait_ms: number | null;
    /** The promotion request → the us copy out of recovery (read-write). */
    promote_ms: number | null;
    /** Acknowledged writes of eu that the promoted copy does not have, and their time span. */
    rpo_writes: number;
    rpo_window_ms: number | null;
    /** The us storefront restarted with its writes on the local primary: loss → ready again. */
    storefront_repointed_ms: number | null;
    /** us's failover workers (relay, sagas, payments, inventory) ready: loss → ready. Absent in reports from before they existed. */
    workers_started_ms?: number | null;
    edge: {
      /** Loss → the first answer to an eu client served by us through the global edge. */
      eu_clients_moved_ms: number | null;
      /** Answers to eu clients during the drill: by region that served them, and errors (5xx, none). */
      served: Record<string, number>;
      errors: number;
      /** The edge's answers to an eu client as they changed (offset from the loss, region or error). */
      timeline: { at_ms: number; served_by: string | null; status: number }[];
      /** The same for a client of us. */
      us_clients: {
        served: Record<string, number>;
        errors: number;
        timeline: { at_ms: number; served_by: string | null; status: number }[];
      };
    };
    /** What a commit costs when it must wait for the us copy (the synchronous alternative). */
    sync_cost: {
      samples: number;
      link_rtt_ms: number;
      async_commit_ms: MsSpread;
      /** Commit start → the us copy has received and flushed the commit's WAL. */
      us_flushed_ms: MsSpread;
      /** us_flushed + the standby's reply crossing back (half the link's round trip). */
      sync_commit_ms: MsSpread;
      method: string;
    };
  };
}

/** What the region failover drill reports as it goes (infra/local/src/drills/region-failover.ts). */
export type RegionFailoverEvent =
  | { type: "ready"; euPrimary: string; standby: string }
  | { type: "sync-cost"; asyncP50: number | null; syncP50: number | null }
  | { type: "progress"; acked: number; failed: number; sinceFaultMs?: number }
  /** The moment of the loss: eu's core members SIGKILLed (its other processes stop meanwhile). */
  | { type: "loss"; killed: string[] }
  | { type: "fault"; killed: string[]; stopped: string[] }
  | { type: "detected"; ms: number }
  | { type: "promoted"; ms: number }
  | { type: "recovered"; rtoMs: number }
  | { type: "edge-moved"; ms: number }
  | { type: "storefront-repointed"; ms: number }
  | { type: "workers-started"; ms: number; names: string[] }
  | { type: "aborted"; reason: string }
  | { type: "done"; report: RegionFailoverReport };

/** The failback's steps in their order (infra/local/src/regions/failback.ts). */
export const REGION_FAILBACK_STEPS = ["us-stopped", "eu-core-ready", "standby-rebuilt", "eu-processes-started"] as const;
export type RegionFailbackStep = (typeof REGION_FAILBACK_STEPS)[number];

/** What `npm run region -- failback` (the region drill's reset) did. */
export interface RegionFailbackReport {
  /** Writes us acknowledged while it held core's primary, discarded by the rebuild. */
  discarded: { orders: number | null; drillWrites: number | null };
  euPrimary: string;
  /** Restart of eu's core → the us copy streaming from it again. */
  standbyRebuiltMs: number;
  totalMs: number;
}
