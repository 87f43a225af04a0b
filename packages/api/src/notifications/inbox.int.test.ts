/**
 * Inbox procedures against the real core cluster: a user sees, counts and marks only their own
 * notifications; another user's ids are ignored, never revealed; pages follow the keyset cursor.
 */
import { randomUUID } from "node:crypto";
import type { AgoraSession } from "@agora/auth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, core } from "@agora/db";
import { notificationsRouter } from "../router/notifications.ts";
import { createCallerFactory, createTRPCRouter } from "../trpc.ts";

// Only this domain's router (same procedure builders and middlewares as the app router), so the
// test does not depend on every other domain loading.
const createCaller = createCallerFactory(createTRPCRouter({ notifications: notificationsRouter }));

const run = randomUUID().slice(0, 8);
let alice: AgoraSession;
let bob: AgoraSession;
const bobIds: string[] = [];
const aliceIds: string[] = [];

async function createUser(label: string): Promise<AgoraSession> {
  const email = `${label}-${run}@inbox.test`;
  const rows = await core().primary.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, 'x') RETURNING id::text`,
    email,
    label,
  );
  return { userId: rows[0]!.id, email, name: label, roles: ["shopper"] };
}

async function notify(userId: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const row = await core().primary.notification.create({
      data: {
        userId,
        kind: "order_confirmed",
        title: `Order ${i} confirmed`,
        body: "Thank you!",
        sourceMessageId: `inbox-test-${run}-${userId}-${i}`,
        // distinct, increasing timestamps so the expected order is unambiguous
        createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      },
      select: { id: true },
    });
    ids.push(row.id);
  }
  return ids;
}

const as = (session: AgoraSession) => createCaller({ headers: new Headers(), session });

beforeAll(async () => {
  alice = await createUser("alice");
  bob = await createUser("bob");
  aliceIds.push(...(await notify(alice.userId, 5)));
  bobIds.push(...(await notify(bob.userId, 2)));
});

afterAll(async () => {
  await core().primary.user.deleteMany({ where: { id: { in: [alice.userId, bob.userId] } } });
  await closeAll();
});

describe("notifications inbox", () => {
  it("lists only the caller's notifications, newest first, page by page", async () => {
    const first = await as(alice).notifications.inbox({ limit: 3 });
    expect(first.items.map((i) => i.id)).toEqual([aliceIds[4], aliceIds[3], aliceIds[2]]);
    expect(first.unread).toBe(5);
    expect(first.nextCursor).not.toBeNull();
    const second = await as(alice).notifications.inbox({ limit: 3, cursor: first.nextCursor! });
    expect(second.items.map((i) => i.id)).toEqual([aliceIds[1], aliceIds[0]]);
    expect(second.nextCursor).toBeNull();
    const bobs = await as(bob).notifications.inbox();
    expect(bobs.items.map((i) => i.id).sort()).toEqual([...bobIds].sort());
    expect(bobs.items.some((i) => aliceIds.includes(i.id))).toBe(false);
  });

  it("ignores another user's ids when marking read", async () => {
    const res = await as(alice).notifications.markRead({ ids: [...bobIds, aliceIds[0]!] });
    expect(res).toEqual({ updated: 1, unread: 4 });
    expect((await as(bob).notifications.unreadCount()).unread).toBe(2);
    const bobs = await as(bob).notifications.inbox();
    expect(bobs.items.every((i) => i.readAt === null)).toBe(true);
  });

  it("counts unread rows and marks them read once", async () => {
    const again = await as(alice).notifications.markRead({ ids: [aliceIds[0]!] });
    expect(again.updated).toBe(0);
    await as(alice).notifications.markRead({ ids: aliceIds });
    expect((await as(alice).notifications.unreadCount()).unread).toBe(0);
  });

  it("rejects a forged cursor", async () => {
    await expect(as(alice).notifications.inbox({ cursor: "not-a-cursor" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});
