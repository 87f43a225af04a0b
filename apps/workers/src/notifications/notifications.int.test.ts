/**
 * The notifications pipeline against the real topology (core Patroni cluster, Redis through
 * Sentinel): outbox message → inbox row + one delivery per channel, retries with backoff, dead
 * letters, duplicates. Jobs live under their own BullMQ prefix and dedupe rows under their own
 * consumer name, so a running `notifications` pool never takes them.
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, core } from "@agora/db";
import { createRedis } from "@agora/redis";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { mailboxDir, type OutgoingMessage } from "./channel-sender.ts";
import {
  NOTIFICATIONS_OUTBOX_QUEUE,
  createNotificationService,
  type NotificationService,
} from "./notification-service.ts";
import { until } from "../testing/outbox-fixtures.ts";

const run = randomUUID().slice(0, 8);
const PREFIX = `bull-notify-test-${run}`;
const stateDir = mkdtempSync(join(tmpdir(), "agora-notify-"));

/** Recipients whose messages the simulated providers fail: sms N times, push always. */
const flakySms = new Set<string>();
const deadPush = new Set<string>();
/** Send attempts per delivery, with the time of each. */
const attempts = new Map<string, number[]>();

let service: NotificationService;
let outboxQueue: Queue<OutboxMessage>;
let outboxWorker: Worker<OutboxMessage>;

interface DeliveryRow {
  channel: string;
  status: string;
  attempts: number;
  recipient: string;
  id: string;
}

async function createUser(label: string): Promise<{ id: string; email: string }> {
  const email = `${label}-${run}@notify.test`;
  const rows = await core().primary.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO users (email, name, password_hash, pii) VALUES ($1, $2, 'x', $3::jsonb) RETURNING id::text`,
    email,
    label,
    JSON.stringify({ phone: "+15550100" }),
  );
  return { id: rows[0]!.id, email };
}

function orderMessage(
  userId: string,
  eventType = "OrderConfirmed",
  messageId = `core-test-${randomUUID()}`,
): OutboxMessage {
  const orderId = randomUUID();
  return {
    messageId,
    cluster: "core",
    outboxId: "0",
    aggregateType: "order",
    aggregateId: orderId,
    eventType,
    vendorId: null,
    payload: {
      orderId,
      userId,
      version: 4,
      type: eventType,
      status: "CONFIRMED",
      at: new Date().toISOString(),
      vendorIds: [],
      detail: {},
    },
    headers: {},
    createdAt: new Date().toISOString(),
    fenceToken: "1",
  };
}

async function publish(message: OutboxMessage, jobId = message.messageId): Promise<void> {
  await outboxQueue.add(message.eventType, message, { jobId, attempts: 3 });
}

async function deliveriesOf(userId: string): Promise<DeliveryRow[]> {
  return core().primary.$queryRawUnsafe<DeliveryRow[]>(
    `SELECT d.id::text, d.channel, d.status, d.attempts, d.recipient FROM notification_deliveries d
     JOIN notifications n ON n.id = d.notification_id WHERE n.user_id = $1::uuid ORDER BY d.channel`,
    userId,
  );
}

const settled = (rows: DeliveryRow[]) =>
  rows.length === 3 && rows.every((r) => r.status === "sent" || r.status === "dead");

beforeAll(async () => {
  const fault = (set: Set<string>, failFirst: number) => (m: OutgoingMessage, attempt: number) => {
    attempts.set(m.deliveryId, [...(attempts.get(m.deliveryId) ?? []), Date.now()]);
    return set.has(m.recipient) && attempt <= failFirst;
  };
  service = createNotificationService({
    connect: (name) =>
      createRedis({ maxRetriesPerRequest: null, connectionName: `test:${name}` }),
    stateDir,
    prefix: PREFIX,
    consumer: `notifications-test-${run}`,
    policy: {
      email: { backoffMs: 50 },
      sms: { backoffMs: 100, jitter: 0.5, attempts: 5 },
      push: { backoffMs: 20, attempts: 3 },
    },
    faults: {
      email: fault(new Set(), 0),
      sms: fault(flakySms, 2),
      push: fault(deadPush, Number.POSITIVE_INFINITY),
    },
  });
  service.startChannelWorkers();
  const connection = createRedis({
    maxRetriesPerRequest: null,
    connectionName: "test:outbox",
  });
  outboxQueue = new Queue<OutboxMessage>(NOTIFICATIONS_OUTBOX_QUEUE, {
    connection,
    prefix: PREFIX,
  });
  outboxWorker = new Worker<OutboxMessage>(
    NOTIFICATIONS_OUTBOX_QUEUE,
    service.handleOutboxMessage,
    {
      connection: createRedis({
        maxRetriesPerRequest: null,
        connectionName: "test:outbox-worker",
      }),
      prefix: PREFIX,
      concurrency: 4,
    },
  );
});

afterAll(async () => {
  await outboxWorker?.close();
  await service?.close();
  await outboxQueue?.obliterate({ force: true }).catch(() => undefined);
  await outboxQueue?.close();
  await closeAll();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("notifications pipeline", () => {
  it("turns an OrderConfirmed event into an inbox row and one delivery per channel, each in its mailbox", async () => {
    const user = await createUser("confirmed");
    const message = orderMessage(user.id);
    await publish(message);
    const rows = await until("three sent deliveries", async () => {
      const r = await deliveriesOf(user.id);
      return r.length === 3 && r.every((x) => x.status === "sent") ? r : undefined;
    });
    expect(rows.map((r) => r.channel)).toEqual(["email", "push", "sms"]);
    expect(rows.find((r) => r.channel === "email")?.recipient).toBe(user.email);
    expect(rows.find((r) => r.channel === "sms")?.recipient).toBe("+15550100");
    const inbox = await core().primary.notification.findMany({ where: { userId: user.id } });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      kind: "order_confirmed",
      readAt: null,
      link: `/orders/${(message.payload as { orderId: string }).orderId}`,
    });
    for (const r of rows) {
      const file = join(mailboxDir(stateDir, r.channel as "email"), `${r.id}.json`);
      expect(existsSync(file), file).toBe(true);
      expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
        recipient: r.recipient,
        channel: r.channel,
      });
    }
  });

  it("retries a channel that fails twice with growing, jittered backoff, then delivers it", async () => {
    const user = await createUser("flaky-sms");
    flakySms.add("+15550100-flaky");
    await core().primary.$executeRawUnsafe(
      `UPDATE users SET pii = '{"phone":"+15550100-flaky"}'::jsonb WHERE id = $1::uuid`,
      user.id,
    );
    await publish(orderMessage(user.id));
    const rows = await until("settled deliveries", async () => {
      const r = await deliveriesOf(user.id);
      return settled(r) ? r : undefined;
    });
    const sms = rows.find((r) => r.channel === "sms")!;
    expect(sms).toMatchObject({ status: "sent", attempts: 3 });
    const times = attempts.get(sms.id)!;
    expect(times).toHaveLength(3);
    // exponential: ~100 ms then ~200 ms, each at least half of that (jitter 0.5)
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(50);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(100);
    // the other channels were not held up by the flaky one (bulkhead)
    expect(rows.filter((r) => r.channel !== "sms").map((r) => r.attempts)).toEqual([1, 1]);
  });

  it("moves a message that fails every attempt to its channel's dead-letter queue", async () => {
    const user = await createUser("dead-push");
    deadPush.add(`user:${user.id}`);
    await publish(orderMessage(user.id));
    const rows = await until("settled deliveries", async () => {
      const r = await deliveriesOf(user.id);
      return settled(r) ? r : undefined;
    });
    const push = rows.find((r) => r.channel === "push")!;
    expect(push).toMatchObject({ status: "dead", attempts: 3 });
    const dead = await service.deadLetters.push.getJob(push.id);
    expect(dead?.data).toMatchObject({ deliveryId: push.id, channel: "push", attempts: 3 });
    expect(existsSync(join(mailboxDir(stateDir, "push"), `${push.id}.json`))).toBe(false);
    expect(rows.filter((r) => r.channel !== "push").every((r) => r.status === "sent")).toBe(true);
  });

  it("applies a redelivered event once: no duplicate notification, deliveries or mails", async () => {
    const user = await createUser("duplicate");
    const message = orderMessage(user.id);
    // Different job ids: BullMQ cannot collapse them, only the consumer's dedupe can.
    await Promise.all([
      publish(message, `${message.messageId}-a`),
      publish(message, `${message.messageId}-b`),
    ]);
    await until("settled deliveries", async () => {
      const r = await deliveriesOf(user.id);
      return settled(r) ? r : undefined;
    });
    await publish(message, `${message.messageId}-c`);
    await until("the third copy to be consumed", async () => {
      const counts = await outboxQueue.getJobCounts("completed");
      return (counts.completed ?? 0) > 0 &&
        (await outboxQueue.getJobState(`${message.messageId}-c`)) === "completed"
        ? true
        : undefined;
    });
    expect(await core().primary.notification.count({ where: { userId: user.id } })).toBe(1);
    const rows = await deliveriesOf(user.id);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.attempts === 1 && r.status === "sent")).toBe(true);
  });

  it("ignores order events that are not worth a notice", async () => {
    const user = await createUser("ignored");
    const message = orderMessage(user.id, "StockReserved");
    await publish(message);
    await until("the event to be consumed", async () =>
      (await outboxQueue.getJobState(message.messageId)) === "completed" ? true : undefined,
    );
    expect(await core().primary.notification.count({ where: { userId: user.id } })).toBe(0);
  });
});
