/**
 * A worker pool's queue metrics as KEDA's triggers read them: the length of each backlog key
 * (`bull:<queue>:wait` is a list, `bull:<queue>:prioritized` a sorted set) and the age of the
 * oldest waiting job (the job at the list's consuming end; BullMQ pushes on the left and takes
 * from the right). One pipeline per pool per tick.
 */
import type { Redis } from "ioredis";
import { BULLMQ_PREFIX, backlogKeys } from "@agora/autoscaling/targets";

export interface PoolQueueMetrics {
  /** Backlog key → length. */
  backlog: Record<string, number>;
  /** Oldest waiting job over the pool's queues, seconds (0 when none waits). */
  oldestWaitingSeconds: number;
}

export async function readPoolQueues(redis: Redis, queues: readonly string[], now = Date.now()): Promise<PoolQueueMetrics> {
  const backlog: Record<string, number> = {};
  let oldest = 0;
  for (const queue of queues) {
    const [waitKey, prioritizedKey] = backlogKeys(queue) as [string, string];
    const [[, wait], [, prioritized], [, tailId]] = (await redis
      .multi()
      .llen(waitKey)
      .zcard(prioritizedKey)
      .lindex(waitKey, -1)
      .exec()) as [[Error | null, number], [Error | null, number], [Error | null, string | null]];
    backlog[waitKey] = wait;
    backlog[prioritizedKey] = prioritized;
    if (tailId) {
      const ts = await redis.hget(`${BULLMQ_PREFIX}:${queue}:${tailId}`, "timestamp");
      if (ts) oldest = Math.max(oldest, (now - Number(ts)) / 1000);
    }
  }
  return { backlog, oldestWaitingSeconds: oldest };
}
