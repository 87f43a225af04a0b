/**
 * Housekeeping jobs: `ping` lets operators and tests check the pool end to end; payout settlement
 * (every PAYOUT_SETTLE_EVERY_MS, and on demand from the vendor portal) and the recovery of in-doubt
 * payout transactions (at start, then every PAYOUT_RECOVER_EVERY_MS) and the sweep of media upload
 * folders no row references (every MEDIA_SWEEP_EVERY_MS) run here, one job at a time, and so
 * does the personal-data key job (seal plaintext addresses, rewrap data keys after a rotation of
 * the `pii` key, retire old key versions; see personal-data/), on demand, with its progress, and
 * the shoppers' data exports and account erasures (privacy/) with the sweep that expires export
 * files and resumes stalled erasures.
 * Beside them, each under its own etcd leadership, the lost-job sweep (lost-jobs/) re-enqueues
 * work a Redis failover dropped and the alert evaluator (../alerting) runs the alert rules.
 */
import { Queue } from "bullmq";
import { z } from "zod";
import { loadConfig, regionSchema, storageSchema } from "@agora/config";
import { core, maxPreparedTransactions, shardNames, withRetry } from "@agora/db";
import {
  DAY_MS,
  PAYOUTS_QUEUE,
  RECOVER_PAYOUTS_JOB,
  SETTLE_ALL_JOB,
  SETTLE_VENDOR_JOB,
  settleVendorJobSchema,
} from "@agora/api/payouts";
import { sweepMediaOrphans } from "@agora/api/vendor-media";
import { createRedis } from "@agora/redis";
import { createLogger } from "@agora/telemetry";
import { recoverPayouts } from "../payouts/recover-payouts.ts";
import { PERSONAL_DATA_KEYS_JOB } from "@agora/api/ops";
import { runPersonalDataKeyJob } from "../personal-data/seal-and-rewrap.ts";
import {
  PRIVACY_ERASURE_JOB,
  PRIVACY_EXPORT_JOB,
  PRIVACY_SWEEP_JOB,
  privacyJobSchema,
} from "@agora/api/privacy";
import { eraseAccount } from "../privacy/erase-account.ts";
import { runExport } from "../privacy/export-data.ts";
import { sweepPrivacyRequests } from "../privacy/privacy-sweep.ts";
import {
  PAYOUT_FAULT_POINTS,
  settleVendor,
  vendorsWithPayable,
  type SettleOptions,
} from "../payouts/settle-payout.ts";
import { type LostJobSweep, startLostJobSweep } from "../lost-jobs/lost-job-sweep.ts";
import { startAlerting, type RunningAlerting } from "../alerting/alerting-process.ts";
import { type ReplicationHeartbeat, startReplicationHeartbeat } from "../regions/replication-heartbeat.ts";
import type { PoolSpec } from "./run-pool.ts";

const log = createLogger({ service: "workers-maintenance" });
const MEDIA_SWEEP_JOB = "media-orphan-sweep";
const ms = z.coerce.number().int().positive();

const envSchema = z.object({
  /** 0 turns scheduled settlement off (vendors then get paid on request only). */
  PAYOUT_SETTLE_EVERY_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** Length of a settlement period (one payout per vendor and currency per period). */
  PAYOUT_PERIOD_MS: ms.default(DAY_MS),
  PAYOUT_RECOVER_EVERY_MS: ms.default(30_000),
  /** Undecided prepared transactions younger than this belong to a coordinator still at work. */
  PAYOUT_RECOVERY_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
  MEDIA_SWEEP_EVERY_MS: ms.default(3_600_000),
  /** Upload folders younger than this may belong to an upload still in flight. */
  MEDIA_ORPHAN_GRACE_MS: ms.default(3_600_000),
  /** The lost-job sweep (lost-jobs/): how often its leader compares queues with the database. */
  LOST_JOB_SWEEP_EVERY_MS: ms.default(10_000),
  /** Unfinished work untouched for less than this may still have its job on the way. */
  LOST_JOB_GRACE_MS: ms.default(30_000),
  LOST_JOB_LOOKBACK_MS: ms.default(3_600_000),
  LOST_JOB_SWEEP_LIMIT: ms.default(500),
  /** The privacy sweep: expired export files deleted, stalled erasures resumed. */
  PRIVACY_SWEEP_EVERY_MS: ms.default(60_000),
  /** The core region's replication heartbeat (regions/); 0 turns it off. */
  REPLICATION_HEARTBEAT_EVERY_MS: z.coerce.number().int().min(0).default(1_000),
  /** Drills and tests: the process SIGKILLs itself right after this settlement step. */
  PAYOUT_CRASH_AT: z.enum(PAYOUT_FAULT_POINTS).optional(),
});

export function maintenancePool(): PoolSpec {
  const env = loadConfig(envSchema);
  const crashAt = env.PAYOUT_CRASH_AT;
  const settle: SettleOptions = {
    periodMs: env.PAYOUT_PERIOD_MS,
    ...(crashAt
      ? {
          fault: (point) => {
            if (point === crashAt) process.kill(process.pid, "SIGKILL");
          },
        }
      : {}),
  };
  const recovery = { graceMs: env.PAYOUT_RECOVERY_GRACE_MS };
  const queue = new Queue(PAYOUTS_QUEUE, {
    connection: createRedis({
      maxRetriesPerRequest: null,
      connectionName: "pool:maintenance:producer",
    }),
  });
  let lostJobSweep: LostJobSweep | undefined;
  let alerting: RunningAlerting | undefined;
  let heartbeat: ReplicationHeartbeat | undefined;
  const { region } = loadConfig({ region: regionSchema });
  return {
    queue: PAYOUTS_QUEUE,
    concurrency: 1,
    processor: async (job) => {
      switch (job.name) {
        case "ping":
          return { pong: true, pid: process.pid, at: new Date().toISOString() };
        case SETTLE_VENDOR_JOB:
          return settleVendor(settleVendorJobSchema.parse(job.data).vendorId, settle);
        case SETTLE_ALL_JOB: {
          const failed: string[] = [];
          let settled = 0;
          for (const vendorId of await vendorsWithPayable()) {
            try {
              settled += (await settleVendor(vendorId, settle)).length;
            } catch (err) {
              // One vendor's failure (its shard down) must not hold up everyone else's payout.
              failed.push(vendorId);
              log.error({ vendorId, err: (err as Error).message }, "payout settlement failed");
            }
          }
          return { settled, failed };
        }
        case RECOVER_PAYOUTS_JOB:
          return recoverPayouts(recovery);
        case MEDIA_SWEEP_JOB: {
          const swept = await sweepMediaOrphans({ graceMs: env.MEDIA_ORPHAN_GRACE_MS });
          if (
            swept.removedUploads.length > 0 ||
            swept.removedStaging > 0 ||
            swept.removedSources > 0
          )
            log.info(
              {
                uploads: swept.removedUploads,
                staging: swept.removedStaging,
                sources: swept.removedSources,
              },
              "removed media files no row references",
            );
          return {
            removed: swept.removedUploads.length,
            staging: swept.removedStaging,
            sources: swept.removedSources,
          };
        }
        case PERSONAL_DATA_KEYS_JOB:
          return runPersonalDataKeyJob((percent, p) => job.updateProgress({ percent, ...p }));
        case PRIVACY_EXPORT_JOB:
          return runExport(privacyJobSchema.parse(job.data).requestId);
        case PRIVACY_ERASURE_JOB:
          return eraseAccount(privacyJobSchema.parse(job.data).requestId);
        case PRIVACY_SWEEP_JOB:
          return sweepPrivacyRequests(loadConfig(storageSchema).AGORA_STORAGE_DIR);
        default:
          throw new Error(`maintenance pool has no job "${job.name}"`);
      }
    },
    init: async () => {
      await assertTwoPhaseCommitEnabled();
      lostJobSweep = startLostJobSweep({
        everyMs: env.LOST_JOB_SWEEP_EVERY_MS,
        graceMs: env.LOST_JOB_GRACE_MS,
        lookbackMs: env.LOST_JOB_LOOKBACK_MS,
        limit: env.LOST_JOB_SWEEP_LIMIT,
      });
      try {
        await recoverPayouts(recovery);
      } catch (err) {
        // The scheduled recovery below retries; a database still failing over must not stop the pool.
        log.error({ err: (err as Error).message }, "payout recovery at start failed");
      }
      if (env.PAYOUT_SETTLE_EVERY_MS === 0) await queue.removeJobScheduler(SETTLE_ALL_JOB);
      else
        await queue.upsertJobScheduler(
          SETTLE_ALL_JOB,
          { every: env.PAYOUT_SETTLE_EVERY_MS },
          { name: SETTLE_ALL_JOB },
        );
      await queue.upsertJobScheduler(
        RECOVER_PAYOUTS_JOB,
        { every: env.PAYOUT_RECOVER_EVERY_MS },
        { name: RECOVER_PAYOUTS_JOB },
      );
      await queue.upsertJobScheduler(
        MEDIA_SWEEP_JOB,
        { every: env.MEDIA_SWEEP_EVERY_MS },
        { name: MEDIA_SWEEP_JOB },
      );
      await queue.upsertJobScheduler(
        PRIVACY_SWEEP_JOB,
        { every: env.PRIVACY_SWEEP_EVERY_MS },
        { name: PRIVACY_SWEEP_JOB },
      );
      alerting = startAlerting();
      if (env.REPLICATION_HEARTBEAT_EVERY_MS > 0 && region.AGORA_REGION === region.AGORA_CORE_REGION)
        heartbeat = startReplicationHeartbeat({ region: region.AGORA_REGION, everyMs: env.REPLICATION_HEARTBEAT_EVERY_MS });
    },
    close: async () => {
      heartbeat?.close();
      await alerting?.close();
      await lostJobSweep?.close();
      await queue.close();
    },
  };
}

/**
 * A cluster created with max_prepared_transactions = 0 cannot take part: say how to fix it. A
 * cluster that does not answer yet is not that: a shard failing over, or reached across the region
 * link by us's pool on a busy box, gets a few jittered attempts (~25 s at most) before start-up fails.
 */
async function assertTwoPhaseCommitEnabled(): Promise<void> {
  for (const cluster of [core().name, ...shardNames()]) {
    const n = await withRetry(() => maxPreparedTransactions(cluster), {
      attempts: 6,
      baseDelayMs: 500,
      maxDelayMs: 4_000,
      onRetry: (err, attempt) =>
        log.warn(
          { cluster, attempt, err: err instanceof Error ? err.message : String(err) },
          "two-phase commit check: cluster not answering yet",
        ),
    });
    if (n === 0)
      throw new Error(
        `cluster "${cluster}" has max_prepared_transactions = 0; payouts need two-phase commit ` +
          '(see apps/workers/README.md, "Payouts": recreate or reconfigure the cluster)',
      );
  }
}
