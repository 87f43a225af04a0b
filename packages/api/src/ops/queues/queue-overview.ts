/**
 * Queues and sagas for the ops console: every BullMQ queue found in Redis (discovered from its
 * `bull:<name>:meta` key, so a new pool or outbox subscriber shows up without a list to keep),
 * its job counts and oldest waiting job, retry or discard of failed jobs, and one order's saga
 * timeline read from its event stream.
 */
import { core } from "@agora/db";
import { createRedis } from "@agora/redis";
import { TRPCError } from "@trpc/server";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";

let shared: Redis | undefined;
function redis(): Redis {
  // BullMQ needs maxRetriesPerRequest null on connections it uses for queue commands.
  shared ??= createRedis({ maxRetriesPerRequest: null, connectionName: "ops-queues" });
  return shared;
}

const queueName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/)
  .max(120);
export const queueActionInput = z.object({ queue: queueName });
export const sagaTimelineInput = z.object({ orderId: z.uuid() });

async function discoverQueues(): Promise<string[]> {
  const names = new Set<string>();
  let cursor = "0";
  do {
    const [next, keys] = await redis().scan(cursor, "MATCH", "bull:*:meta", "COUNT", 500);
    cursor = next;
    for (const k of keys) names.add(k.slice("bull:".length, -":meta".length));
  } while (cursor !== "0");
  return [...names].sort();
}

// One Queue object per queue name for the life of the process (the page polls every few
// seconds); they all share the one connection above, so keeping them costs no sockets.
const queues = new Map<string, Queue>();

async function withQueue<T>(name: string, fn: (q: Queue) => Promise<T>): Promise<T> {
  let q = queues.get(name);
  if (!q) {
    q = new Queue(name, { connection: redis() });
    queues.set(name, q);
  }
  return fn(q);
}

export interface QueueView {
  name: string;
  /** Dead-letter queues hold jobs that used up their attempts (named `<queue>-dlq`). */
  deadLetter: boolean;
  counts: { waiting: number; active: number; delayed: number; failed: number; completed: number };
  oldestWaitingAgeMs: number | null;
}

export async function queueOverview(): Promise<QueueView[]> {
  const names = await discoverQueues();
  return Promise.all(
    names.map((name) =>
      withQueue(name, async (q) => {
        const c = await q.getJobCounts("waiting", "active", "delayed", "failed", "completed");
        const [oldest] = await q.getJobs(["waiting"], 0, 0, true);
        return {
          name,
          deadLetter: name.endsWith("-dlq"),
          counts: {
            waiting: c.waiting ?? 0,
            active: c.active ?? 0,
            delayed: c.delayed ?? 0,
            failed: c.failed ?? 0,
            completed: c.completed ?? 0,
          },
          oldestWaitingAgeMs: oldest ? Date.now() - oldest.timestamp : null,
        };
      }),
    ),
  );
}

async function assertKnown(name: string): Promise<void> {
  if (!(await discoverQueues()).includes(name))
    throw new TRPCError({ code: "NOT_FOUND", message: `no queue named ${name}` });
}

async function audit(actorUserId: string, action: string, queue: string, details: object) {
  await core().primary.auditLog.create({
    data: { actorUserId, action, targetType: "queue", targetId: queue, details },
  });
}

/** Adds one job an operator asked for (e.g. an analytics reconcile now), audited. */
export async function enqueueOperatorJob(
  actorUserId: string,
  queue: string,
  jobName: string,
  data: object,
  action: string,
): Promise<{ jobId: string }> {
  const job = await withQueue(queue, (q) =>
    q.add(jobName, data, { removeOnComplete: 100, removeOnFail: 100 }),
  );
  await audit(actorUserId, action, queue, { jobId: job.id, ...data });
  return { jobId: job.id ?? "" };
}

/** Moves every failed job of the queue back to waiting (consumers are idempotent). */
export async function retryFailed(actorUserId: string, name: string) {
  await assertKnown(name);
  const failed = await withQueue(name, async (q) => {
    const n = await q.getFailedCount();
    await q.retryJobs({ state: "failed", count: 1000 });
    return n;
  });
  await audit(actorUserId, "queue.retry-failed", name, { jobs: failed });
  return { retried: failed };
}

/** Removes the failed jobs of the queue (after an operator decided they are not worth it). */
export async function discardFailed(actorUserId: string, name: string) {
  await assertKnown(name);
  const removed = await withQueue(name, (q) => q.clean(0, 10_000, "failed"));
  await audit(actorUserId, "queue.discard-failed", name, { jobs: removed.length });
  return { discarded: removed.length };
}

/** The most recent orders with their saga status, for picking one to inspect. */
export async function recentSagas() {
  return core().primary.order.findMany({
    orderBy: { createdAt: "desc" },
    take: 30,
    select: {
      id: true,
      status: true,
      totalCents: true,
      version: true,
      createdAt: true,
      updatedAt: true,
    },
  });
}

/** One order's saga: every event in order, with the step it records and how long after placement. */
export async function sagaTimeline(orderId: string) {
  const events = await core().primary.orderEvent.findMany({
    where: { orderId },
    orderBy: { version: "asc" },
    select: { version: true, type: true, payload: true, createdAt: true },
  });
  if (events.length === 0)
    throw new TRPCError({ code: "NOT_FOUND", message: `no order ${orderId}` });
  const t0 = events[0]?.createdAt.getTime() ?? 0;
  return events.map((e) => ({
    version: e.version,
    type: e.type,
    at: e.createdAt,
    afterMs: e.createdAt.getTime() - t0,
    compensation: /Released|Voided|Refunded|Compensat|Failed/.test(e.type),
    payload: e.payload,
  }));
}
