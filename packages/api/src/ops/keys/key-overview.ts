/**
 * The console's Keys page: the transit keys (latest and minimum decryptable version), how many
 * stored data keys each `pii` version still wraps, the last personal-data key job with its
 * progress, and the newest lines of the secrets audit log. "Rotate" adds a `pii` version and
 * queues the job that rewraps every data key and then retires the old version.
 */
import { core } from "@agora/db";
import { createRedis } from "@agora/redis";
import { type AuditEntry, PII_KEY, secretsFromEnv, type TransitKeyInfo } from "@agora/secrets";
import { Queue } from "bullmq";
import { type KeyJobProgressReport, MAINTENANCE_QUEUE, PERSONAL_DATA_KEYS_JOB } from "./key-job-contract.ts";

export interface DataKeyCount {
  table: string;
  version: number;
  count: number;
}

export interface KeyJobView {
  id: string;
  state: string;
  progress: KeyJobProgressReport | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  failure: string | null;
}

export interface KeyOverview {
  keys: TransitKeyInfo[];
  dataKeys: DataKeyCount[];
  /** Rows still holding a plaintext address (sealed by the job). */
  plaintextRows: { table: string; count: number }[];
  lastJob: KeyJobView | null;
  audit: AuditEntry[];
  /** Account erasures: subjects whose key was shredded, and requests still at work. */
  privacy: {
    shreddedSubjects: number;
    erasuresInProgress: number;
    exportsLast24h: number;
  };
}

let queue: Queue | undefined;
function maintenanceQueue(): Queue {
  queue ??= new Queue(MAINTENANCE_QUEUE, {
    connection: createRedis({ maxRetriesPerRequest: null, connectionName: "api:keys:producer" }),
  });
  return queue;
}

export async function keyOverview(): Promise<KeyOverview> {
  const secrets = secretsFromEnv();
  const keys = await Promise.all((await secrets.transit.listKeys()).map((k) => secrets.transit.readKey(k)));
  const db = core().primary;
  const dataKeys = await db.$queryRaw<DataKeyCount[]>`
    SELECT t.tbl AS "table", substring(t.data_key FROM '^(?:agora:k2:[0-9]+:)?vault:v([0-9]+):')::int AS version, count(*)::int AS count
      FROM (SELECT 'users' AS tbl, data_key FROM users WHERE data_key IS NOT NULL
            UNION ALL
            SELECT 'staff_invitations', data_key FROM staff_invitations WHERE data_key IS NOT NULL) t
     GROUP BY 1, 2 ORDER BY 1, 2`;
  const plaintextRows = await db.$queryRaw<{ table: string; count: number }[]>`
    SELECT 'users' AS "table", count(*)::int AS count FROM users WHERE email IS NOT NULL
    UNION ALL
    SELECT 'staff_invitations', count(*)::int FROM staff_invitations WHERE email IS NOT NULL`;
  // An erasure's `key-shredded` step has run once its request is past it (or done).
  const [privacy] = await db.$queryRaw<KeyOverview["privacy"][]>`
    SELECT count(*) FILTER (WHERE kind = 'erasure' AND (status = 'done' OR step NOT IN ('sign-in-locked', 'sessions-revoked', 'reviews-anonymised')))::int AS "shreddedSubjects",
           count(*) FILTER (WHERE kind = 'erasure' AND status <> 'done')::int AS "erasuresInProgress",
           count(*) FILTER (WHERE kind = 'export' AND created_at > now() - interval '24 hours')::int AS "exportsLast24h"
      FROM privacy_requests`;
  const jobs = await maintenanceQueue().getJobs(["active", "waiting", "completed", "failed"], 0, 50);
  const last = jobs
    .filter((j) => j.name === PERSONAL_DATA_KEYS_JOB)
    .sort((a, b) => b.timestamp - a.timestamp)[0];
  return {
    keys,
    dataKeys,
    plaintextRows,
    lastJob: last
      ? {
          id: last.id ?? "",
          state: await last.getState(),
          progress: typeof last.progress === "object" ? (last.progress as KeyJobProgressReport) : null,
          startedAt: last.processedOn ? new Date(last.processedOn) : null,
          finishedAt: last.finishedOn ? new Date(last.finishedOn) : null,
          failure: last.failedReason ?? null,
        }
      : null,
    audit: await secrets.audit.recent(20),
    privacy: privacy ?? { shreddedSubjects: 0, erasuresInProgress: 0, exportsLast24h: 0 },
  };
}

/** Adds a `pii` version (new data keys use it at once) and queues the rewrap of the stored ones. */
export async function rotatePersonalDataKey(operatorId: string): Promise<{ version: number; jobId: string }> {
  const rotated = await secretsFromEnv().transit.rotateKey(PII_KEY);
  const job = await maintenanceQueue().add(
    PERSONAL_DATA_KEYS_JOB,
    { version: rotated.latestVersion },
    {
      // One run per version: pressing twice queues one job; the job itself is idempotent anyway.
      jobId: `${PERSONAL_DATA_KEYS_JOB}-v${rotated.latestVersion}`,
      attempts: 3,
      backoff: { type: "exponential", delay: 5_000 },
      removeOnComplete: 20,
      removeOnFail: 20,
    },
  );
  await core().primary.auditLog.create({
    data: {
      actorUserId: operatorId,
      action: "keys.rotate",
      targetType: "transit_key",
      targetId: PII_KEY,
      details: { version: rotated.latestVersion, jobId: job.id ?? null },
    },
  });
  return { version: rotated.latestVersion, jobId: job.id ?? "" };
}
