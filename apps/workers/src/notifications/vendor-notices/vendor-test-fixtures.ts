/**
 * Shared set-up of the vendor-notices integration tests: shops, users with real passwords and
 * grants, the notifications pipeline under its own BullMQ prefix, and "the relay" for one core
 * outbox row (the relay itself is tested in outbox/relay.int.test.ts).
 */
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Job } from "bullmq";
import { core, createVendor, hashPassword } from "@agora/db";
import { createRedis } from "@agora/redis";
import type { OutboxMessage } from "../../outbox/outbox-message.ts";
import { mailboxDir } from "../channel-sender.ts";
import { createNotificationService, type NotificationService } from "../notification-service.ts";
import { createVendorNoticeConsumer } from "./vendor-notices.ts";
import { coreOutboxMessages, until } from "../../testing/outbox-fixtures.ts";

export const PASSWORD = "correct horse battery";

export { until };

export async function createShop(label: string, run: string): Promise<string> {
  return (await createVendor({ slug: `${label}-${run}`, name: `Shop ${label}`, shard: "shard-1" }))
    .id;
}

export async function createUser(
  email: string,
  grants: { role: "vendor_owner" | "vendor_staff" | "shopper"; vendorId?: string }[],
): Promise<string> {
  const user = await core().primary.user.create({
    data: { email, name: email.split("@")[0]!, passwordHash: await hashPassword(PASSWORD) },
    select: { id: true },
  });
  for (const g of grants)
    await core().primary.userRole.create({
      data: { userId: user.id, roleName: g.role, vendorId: g.vendorId ?? null },
    });
  return user.id;
}

/** The notifications pipeline (channel workers + vendor-notices consumer) under a private prefix. */
export function startPipeline(run: string) {
  const stateDir = mkdtempSync(join(tmpdir(), "agora-vendor-notices-"));
  const service: NotificationService = createNotificationService({
    connect: (name) =>
      createRedis({ maxRetriesPerRequest: null, connectionName: `test:${name}` }),
    stateDir,
    prefix: `bull-vendor-notices-${run}`,
    consumer: `notifications-test-${run}`,
    policy: { email: { backoffMs: 50 } },
  });
  service.startChannelWorkers();
  const consumerProcess = () => {
    const consumer = createVendorNoticeConsumer({
      enqueue: service.enqueue,
      consumer: `vendor-notices-test-${run}`,
    });
    return (message: OutboxMessage) => consumer.handle({ data: message } as Job<OutboxMessage>);
  };
  return {
    stateDir,
    service,
    deliver: consumerProcess(),
    /** A second consumer, as another process would run it: the same dedupe rows, its own memory. */
    deliverElsewhere: consumerProcess(),
    /** Reads the mail a delivery wrote to the simulated mailbox, once it is there. */
    mail: (deliveryId: string) =>
      until(`mail ${deliveryId}`, async () => {
        const file = join(mailboxDir(stateDir, "email"), `${deliveryId}.json`);
        if (!existsSync(file)) return undefined;
        return JSON.parse(readFileSync(file, "utf8")) as {
          recipient: string;
          subject: string;
          body: string;
        };
      }),
  };
}

/** Hands the core outbox rows of one aggregate to `deliver`, as the relay would publish them. */
export async function relayCoreOutbox(
  aggregateId: string,
  deliver: (m: OutboxMessage) => Promise<unknown>,
): Promise<OutboxMessage[]> {
  const messages = await coreOutboxMessages([aggregateId]);
  for (const m of messages) await deliver(m);
  return messages;
}

export function coreMessage(
  topic: string,
  eventType: string,
  payload: unknown,
  opts: { cluster?: string; outboxId?: number; vendorId?: string } = {},
): OutboxMessage {
  const outboxId = String(opts.outboxId ?? Math.floor(Math.random() * 1e9));
  const cluster = opts.cluster ?? "core";
  return {
    messageId: `${cluster}-test-${randomUUID()}`,
    cluster,
    outboxId,
    aggregateType: topic,
    aggregateId: randomUUID(),
    eventType,
    vendorId: opts.vendorId ?? null,
    payload,
    headers: {},
    createdAt: new Date().toISOString(),
    fenceToken: "1",
  };
}
