/**
 * Whether BullMQ still holds a job, in any state (waiting, delayed, active, or completed/failed
 * while retained): its hash exists from the add until the job is removed, so `getJob` (one hash
 * read, unlike `getJobState`, which searches the waiting list) finds nothing only for a job Redis
 * does not have. Asked a few ids at a time under one deadline, so a sweep neither floods Redis nor
 * hangs on it.
 */
import type { Queue } from "bullmq";

export class LiveJobCheckTimeoutError extends Error {
  readonly code = "LIVE_JOB_CHECK_TIMEOUT";
  constructor(queue: string, ms: number) {
    super(`asking Redis which jobs of "${queue}" exist took longer than ${ms} ms`);
    this.name = "LiveJobCheckTimeoutError";
  }
}

const AT_ONCE = 32;

/** The ids among `ids` that `queue` has no job for. */
export async function missingJobIds(
  queue: Pick<Queue, "name" | "getJob">,
  ids: readonly string[],
  timeoutMs = 10_000,
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const check = async () => {
    const missing = new Set<string>();
    for (let i = 0; i < ids.length; i += AT_ONCE) {
      const batch = ids.slice(i, i + AT_ONCE);
      const jobs = await Promise.all(batch.map((id) => queue.getJob(id)));
      jobs.forEach((job, j) => {
        if (!job) missing.add(batch[j]!);
      });
    }
    return missing;
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
