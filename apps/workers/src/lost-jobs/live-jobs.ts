/**
 * Whether BullMQ still holds a job, in any state (waiting, delayed, active, or completed/failed
 * while retained): its hash exists from the add until the job is removed, so `getJob` (one hash
 * read, unlike `getJobState`, which searches the waiting list) finds nothing only for a job Redis
 * does not have. Asked a few ids at a time under one deadline, so a sweep neither floods Redis nor
 * hangs on it.
 */
import type { Job, Queue } from "bullmq";

export class LiveJobCheckTimeoutError extends Error {
  readonly code = "LIVE_JOB_CHECK_TIMEOUT";
  constructor(queue: string, ms: number) {
    super(`asking Redis which jobs of "${queue}" exist took longer than ${ms} ms`);
    this.name = "LiveJobCheckTimeoutError";
  }
}

const AT_ONCE = 32;

type JobLookup = Pick<Queue, "name" | "getJob">;

/** The ids among `ids` that `queue` has no job for. */
export async function missingJobIds(queue: JobLookup, ids: readonly string[], timeoutMs = 10_000): Promise<Set<string>> {
  return (await idleJobs(queue, ids, { timeoutMs })).missing;
}

/**
 * The ids among `ids` whose work nothing will do any more: no job at all (`missing`), or, when
 * `failed` is asked for, a job that ended in the failed set (`failed`, the jobs themselves so
 * that the caller can retry them). A failed job is looked up only when its hash says it finished.
 */
export async function idleJobs(
  queue: JobLookup,
  ids: readonly string[],
  opts: { timeoutMs?: number; failed?: boolean } = {},
): Promise<{ missing: Set<string>; failed: Job[] }> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const missing = new Set<string>();
  const failed: Job[] = [];
  if (ids.length === 0) return { missing, failed };
  const check = async () => {
    for (let i = 0; i < ids.length; i += AT_ONCE) {
      const batch = ids.slice(i, i + AT_ONCE);
      const jobs = await Promise.all(batch.map((id) => queue.getJob(id)));
      const finished = await Promise.all(
        jobs.map((job) => (opts.failed && job?.finishedOn !== undefined ? job.isFailed() : false)),
      );
      jobs.forEach((job, j) => {
        if (!job) missing.add(batch[j]!);
        else if (finished[j]) failed.push(job);
      });
    }
    return { missing, failed };
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LiveJobCheckTimeoutError(queue.name, timeoutMs)), timeoutMs);
  });
  try {
    return await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
