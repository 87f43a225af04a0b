import { randomUUID } from "node:crypto";
import { createRedis } from "@agora/redis";
import { closeAll, core } from "@agora/db";
import { Queue, QueueEvents, Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { RECONCILE_QUEUE, requestReconcile } from "../../analytics/reconcile-request.ts";
import { discardFailed, queueOverview, retryFailed, sagaTimeline } from "./queue-overview.ts";

const connection = createRedis({
  maxRetriesPerRequest: null,
  connectionName: "queue-overview-test",
});
const name = `ops-test-${randomUUID().slice(0, 8)}`;
const operator = randomUUID();

afterAll(async () => {
  const q = new Queue(name, { connection });
  await q.obliterate({ force: true });
  await q.close();
  connection.disconnect();
  await closeAll();
});

async function failOneJob(): Promise<void> {
  const q = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection: connection.duplicate() });
  await events.waitUntilReady();
  const failed = new Promise<void>((resolve) => events.once("failed", () => resolve()));
  const worker = new Worker(
    name,
    async () => {
      throw new Error("poison message");
    },
    { connection: connection.duplicate() },
  );
  await q.add("job", { n: 1 }, { attempts: 1 });
  await failed;
  await worker.close();
  await events.close();
  await q.close();
}

describe("queues and sagas in the ops console", () => {
  it("discovers a queue from Redis and shows its failed job; retry moves it back, discard removes it", async () => {
    await failOneJob();
    const view = (await queueOverview()).find((q) => q.name === name);
    expect(view?.counts.failed).toBe(1);

    expect(await retryFailed(operator, name)).toEqual({ retried: 1 });
    const after = (await queueOverview()).find((q) => q.name === name);
    expect(after?.counts.failed).toBe(0);
    expect(after?.counts.waiting).toBe(1);
    expect(after?.oldestWaitingAgeMs).toBeGreaterThanOrEqual(0);

    await failOneJob(); // the retried job and a new one both fail now
    expect((await discardFailed(operator, name)).discarded).toBeGreaterThanOrEqual(1);
    expect((await queueOverview()).find((q) => q.name === name)?.counts.failed).toBe(0);
  });

  it("refuses to act on a queue that does not exist", async () => {
    await expect(retryFailed(operator, "no-such-queue")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("answers NOT_FOUND for the saga of an unknown order", async () => {
    await expect(sagaTimeline(randomUUID())).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("queues an operator's analytics reconcile over whole days, audited", async () => {
    const { jobId, from, to } = await requestReconcile(operator, { days: 2 });
    const q = new Queue(RECONCILE_QUEUE, { connection });
    try {
      const job = await q.getJob(jobId);
      expect(job?.data).toEqual({ trigger: "manual", from, to });
      expect(new Date(to).getTime() - new Date(from).getTime()).toBe(2 * 24 * 3_600_000);
      const audit = await core().primary.auditLog.findFirst({
        where: { actorUserId: operator, action: "analytics.reconcile-requested" },
      });
      expect(audit?.targetId).toBe(RECONCILE_QUEUE);
    } finally {
      await q.remove(jobId);
      await q.close();
    }
  });
});
