/**
 * Staff invitations end to end against the real topology: the owner invites, the invitation mail
 * lands in the simulated mailbox through the notifications pipeline, the invitee accepts with the
 * link's token (a new address signs up with it; an existing account accepts with its own session,
 * never with a password) and signs in, the owner removes them, and the very same session is
 * refused on its next call. Sessions stand for a sign-in at the identity provider: minted from the
 * same user next-auth's jwt callback gets (verifyCredentials → the jwt callback → encode) and read
 * back with getSession under the portal's fail-closed revocation policy (Redis through Sentinel).
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { createCaller } from "@agora/api";
import { apiRedisReady, closeApiRedis } from "@agora/api/cache";
import { bumpSessionEpoch, redisSessionEpochs, sessionRevocation } from "@agora/api/sessions";
import { type AgoraSession, authOptions, getSession, verifyCredentials } from "@agora/auth";
import { closeAll, core } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { Redis } from "ioredis";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createShop,
  createUser,
  PASSWORD,
  relayCoreOutbox,
  startPipeline,
} from "./vendor-test-fixtures.ts";

const run = randomUUID().slice(0, 8);
const revocation = sessionRevocation("vendor-portal");
const auth = {
  app: "vendor-portal" as const,
  secret: "s".repeat(43),
  url: "http://127.0.0.1:1",
  revocation,
};
let pipeline: ReturnType<typeof startPipeline>;
let shopA: string;
let shopB: string;
let ownerA: Session;
let ownerB: Session;

interface Session {
  jwt: string;
  session: () => Promise<AgoraSession | null>;
  caller: () => Promise<ReturnType<typeof createCaller>>;
}

/** A portal session of `email`, as its sign-in at the provider leaves it (the cookie's JWT). */
async function signIn(email: string, password = PASSWORD): Promise<Session> {
  const user = await verifyCredentials({ email, password });
  if (!user) throw new Error(`sign-in of ${email} failed`);
  const token = await authOptions(auth, async () => null).callbacks!.jwt!({
    token: {},
    user,
    account: null,
  });
  const jwt = await encode({ token, secret: auth.secret });
  const headers = () => new Headers({ cookie: `agora-vendor-portal.session-token=${jwt}` });
  const session = () => getSession({ headers: headers() }, { ...auth, revocation });
  return {
    jwt,
    session,
    caller: async () => createCaller({ headers: headers(), session: await session() }),
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

/** The TRPCError a call fails with (its code and public message). */
async function refusalOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (err) {
    if (err instanceof TRPCError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error("the call was expected to fail");
}

const anonymous = () => createCaller({ headers: new Headers(), session: null });

/** Invites `email` as `owner`, runs the mail through the pipeline and returns the link's token. */
async function inviteAndReadMail(owner: Session, email: string) {
  const invitation = await (await owner.caller()).vendor.staff.invite({ email });
  await relayCoreOutbox(invitation.invitationId, pipeline.deliver);
  const delivery = await core().primary.notificationDelivery.findUniqueOrThrow({
    where: { sourceKey: `staff-invitation:${invitation.invitationId}` },
  });
  const mail = await pipeline.mail(delivery.id);
  const token = /\/invite\/([A-Za-z0-9_-]{43})/.exec(mail.body)?.[1];
  if (!token) throw new Error(`no invitation link in ${mail.body}`);
  return { invitation, mail, token };
}

beforeAll(async () => {
  expect(await apiRedisReady(20_000)).toBe(true);
  pipeline = startPipeline(run);
  shopA = await createShop("staff-a", run);
  shopB = await createShop("staff-b", run);
  await createUser(`owner-a-${run}@staff.test`, [{ role: "vendor_owner", vendorId: shopA }]);
  await createUser(`owner-b-${run}@staff.test`, [{ role: "vendor_owner", vendorId: shopB }]);
  ownerA = await signIn(`owner-a-${run}@staff.test`);
  ownerB = await signIn(`owner-b-${run}@staff.test`);
});

afterAll(async () => {
  await pipeline?.service.close();
  await closeApiRedis();
  await closeAll();
  if (pipeline) rmSync(pipeline.stateDir, { recursive: true, force: true });
});

describe("staff invitations and immediate removal", () => {
  it("invites by mail, accepts with the link, signs in, and refuses the same session right after removal", async () => {
    const email = `new-staff-${run}@staff.test`;
    const { mail, token, invitation } = await inviteAndReadMail(ownerA, email);
    expect(mail.recipient).toBe(email);
    expect(mail.subject).toContain("Shop staff-a");
    expect(mail.body).toMatch(/^Accept the invitation: http:\/\/127\.0\.0\.1:\d+\/invite\//m);
    // Only the hash is stored: the token itself appears nowhere in the invitation row.
    const row = await core().primary.staffInvitation.findUniqueOrThrow({
      where: { id: invitation.invitationId },
    });
    expect(JSON.stringify(row)).not.toContain(token);
    expect(row.email).toBeNull();
    // The mail with the live link waits sealed in its delivery row, bound to that row.
    const stored = await core().primary.notificationDelivery.findUniqueOrThrow({
      where: { sourceKey: `staff-invitation:${invitation.invitationId}` },
    });
    expect(`${stored.recipient} ${stored.body}`).not.toContain(token);
    expect(stored.recipient).not.toContain(email);

    expect(await anonymous().invitations.get({ token })).toMatchObject({
      shop: "Shop staff-a",
      email,
      status: "open",
      existingAccount: false,
      viewer: "anonymous",
    });
    const accepted = await anonymous().invitations.signUp({
      token,
      name: "Sam Staff",
      password: PASSWORD,
    });
    expect(accepted).toMatchObject({ email, newAccount: true });

    const staff = await signIn(email);
    expect(await staff.session()).toMatchObject({ roles: ["vendor_staff"], vendorId: shopA });
    expect((await (await staff.caller()).vendor.profile()).id).toBe(shopA);
    // Staff are not owners: no staff management.
    expect(await codeOf((await staff.caller()).vendor.staff.list())).toBe("FORBIDDEN");
    const listed = await (await ownerA.caller()).vendor.staff.list();
    expect(listed.members.map((m) => m.email)).toContain(email);
    expect(listed.invitations.map((i) => i.id)).not.toContain(invitation.invitationId);

    await (await ownerA.caller()).vendor.staff.remove({ userId: accepted.userId });
    // The very next request with the unchanged cookie: no session, so the call is refused.
    const started = performance.now();
    expect(await staff.session()).toBeNull();
    expect(await codeOf((await staff.caller()).vendor.profile())).toBe("UNAUTHORIZED");
    console.log(
      `[staff] removed member refused on the next request (${(performance.now() - started).toFixed(1)} ms for two checks)`,
    );
    // The owner's own session is untouched.
    expect(await ownerA.session()).not.toBeNull();

    const actions = await core().primary.auditLog.findMany({
      where: { vendorId: shopA, action: { startsWith: "staff." } },
      orderBy: { id: "asc" },
      select: { action: true },
    });
    expect(actions.map((a) => a.action)).toEqual([
      "staff.invite",
      "staff.acceptInvite",
      "staff.remove",
    ]);
  });

  it("lets a token work once and never after it expired or was replaced", async () => {
    const email = `once-${run}@staff.test`;
    const first = await inviteAndReadMail(ownerA, email);
    // Inviting the same address again replaces the open invitation.
    const second = await inviteAndReadMail(ownerA, email);
    expect(
      await codeOf(
        anonymous().invitations.signUp({ token: first.token, name: "X", password: PASSWORD }),
      ),
    ).toBe("PRECONDITION_FAILED");
    await anonymous().invitations.signUp({ token: second.token, name: "Once", password: PASSWORD });
    expect(
      await codeOf(
        anonymous().invitations.signUp({ token: second.token, name: "Y", password: PASSWORD }),
      ),
    ).toBe("CONFLICT");
    expect((await anonymous().invitations.get({ token: second.token })).status).toBe("accepted");

    const late = await inviteAndReadMail(ownerA, `late-${run}@staff.test`);
    await core().primary.staffInvitation.update({
      where: { id: late.invitation.invitationId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await anonymous().invitations.get({ token: late.token })).status).toBe("expired");
    expect(
      await codeOf(
        anonymous().invitations.signUp({ token: late.token, name: "L", password: PASSWORD }),
      ),
    ).toBe("PRECONDITION_FAILED");
    expect(await core().primary.user.count({ where: { email: `late-${run}@staff.test` } })).toBe(0);
    expect(await codeOf(anonymous().invitations.get({ token: "A".repeat(43) }))).toBe("NOT_FOUND");
    // A guessed token is refused as such (before any password is hashed for it).
    expect(
      await codeOf(anonymous().invitations.signUp({ token: "A".repeat(43), name: "G", password: PASSWORD })),
    ).toBe("NOT_FOUND");
  });

  it("refuses to invite, withdraw or remove across tenants", async () => {
    const email = `cross-${run}@staff.test`;
    const { token, invitation } = await inviteAndReadMail(ownerA, email);
    expect(
      await codeOf(
        (await ownerB.caller()).vendor.staff.revokeInvite({
          invitationId: invitation.invitationId,
        }),
      ),
    ).toBe("NOT_FOUND");
    const { userId } = await anonymous().invitations.signUp({
      token,
      name: "Cross",
      password: PASSWORD,
    });
    const staff = await signIn(email);
    expect(await codeOf((await ownerB.caller()).vendor.staff.remove({ userId }))).toBe("NOT_FOUND");
    expect(await staff.session()).not.toBeNull();
    expect(
      await codeOf((await staff.caller()).vendor.staff.invite({ email: `x-${run}@staff.test` })),
    ).toBe("FORBIDDEN");
    expect(await codeOf((await staff.caller()).vendor.staff.remove({ userId }))).toBe("FORBIDDEN");
    // Owners cannot be removed, nor can an address that already works here be invited.
    const ownerId = (await ownerA.session())!.userId;
    expect(await codeOf((await ownerA.caller()).vendor.staff.remove({ userId: ownerId }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf((await ownerA.caller()).vendor.staff.invite({ email }))).toBe("CONFLICT");
  });

  it("adds an existing account only with its own session, and signs its older sessions out", async () => {
    const email = `shopper-${run}@staff.test`;
    const userId = await createUser(email, [{ role: "shopper" }]);
    const before = await signIn(email);
    const { token, invitation } = await inviteAndReadMail(ownerA, email);
    expect(await anonymous().invitations.get({ token })).toMatchObject({
      existingAccount: true,
      viewer: "anonymous",
    });
    expect((await (await before.caller()).invitations.get({ token })).viewer).toBe("invitee");

    const accepted = await (await before.caller()).invitations.accept({ token });
    expect(accepted).toEqual({ userId, email, newAccount: false });
    // The grant is a role change: the session that accepted is over, like any older one.
    expect(await before.session()).toBeNull();
    expect(await (await signIn(email)).session()).toMatchObject({
      roles: expect.arrayContaining(["vendor_staff", "shopper"]),
      vendorId: shopA,
    });
    const audit = await core().primary.auditLog.findMany({
      where: { vendorId: shopA, action: "staff.acceptInvite", targetId: invitation.invitationId },
      select: { actorUserId: true },
    });
    expect(audit).toEqual([{ actorUserId: userId }]);
    // The token worked once, for its own account too.
    const again = await signIn(email);
    expect(await codeOf((await again.caller()).invitations.accept({ token }))).toBe("CONFLICT");
  });

  it("refuses another signed-in account with FORBIDDEN and keeps the invitation open for the invitee", async () => {
    const email = `invitee-${run}@staff.test`;
    const inviteeId = await createUser(email, [{ role: "shopper" }]);
    const other = `other-${run}@staff.test`;
    const otherId = await createUser(other, [{ role: "shopper" }]);
    const { token, invitation } = await inviteAndReadMail(ownerA, email);
    const intruder = await signIn(other);
    expect((await (await intruder.caller()).invitations.get({ token })).viewer).toBe(
      "another-account",
    );

    for (const signedIn of [intruder, ownerB]) {
      expect(await refusalOf((await signedIn.caller()).invitations.accept({ token }))).toEqual({
        code: "FORBIDDEN",
        message: `This invitation is for ${email}; you are signed in as another account — sign out first.`,
      });
    }
    // Nothing changed: no grant, the invitation still open, the refused sessions still valid.
    expect((await anonymous().invitations.get({ token })).status).toBe("open");
    expect(await intruder.session()).not.toBeNull();
    const grants = await core().primary.userRole.count({
      where: { userId: otherId, vendorId: shopA },
    });
    expect(grants).toBe(0);

    // A new address has no account yet, so no session can be its invitee either.
    const fresh = await inviteAndReadMail(ownerA, `fresh-${run}@staff.test`);
    expect(await codeOf((await intruder.caller()).invitations.accept({ token: fresh.token }))).toBe(
      "FORBIDDEN",
    );

    const invitee = await signIn(email);
    expect(await (await invitee.caller()).invitations.accept({ token })).toMatchObject({
      newAccount: false,
    });
    const row = await core().primary.staffInvitation.findUniqueOrThrow({
      where: { id: invitation.invitationId },
    });
    expect(row.acceptedUserId).toBe(inviteeId);
  });

  it("takes no password for an existing account: the public sign-up refuses it, accept needs a session", async () => {
    const email = `no-oracle-${run}@staff.test`;
    const userId = await createUser(email, [{ role: "shopper" }]);
    const { token } = await inviteAndReadMail(ownerA, email);
    // The right password and a wrong one get the same refusal: nothing here checks either.
    for (const password of [PASSWORD, "wrong password"]) {
      const refused = await refusalOf(
        anonymous().invitations.signUp({ token, name: "S", password }),
      );
      expect(refused).toEqual({
        code: "UNAUTHORIZED",
        message: `${email} already has an Agora account: sign in as ${email} to accept.`,
      });
    }
    expect(await codeOf(anonymous().invitations.accept({ token }))).toBe("UNAUTHORIZED");
    // The session's procedure takes the token and nothing else.
    const invitee = await signIn(email);
    expect(
      await codeOf(
        (await invitee.caller()).invitations.accept({ token, password: PASSWORD } as {
          token: string;
        }),
      ),
    ).toBe("BAD_REQUEST");
    expect((await anonymous().invitations.get({ token })).status).toBe("open");
    expect(await core().primary.userRole.count({ where: { userId, vendorId: shopA } })).toBe(0);
  });

  it("judges sessions on core while Redis cannot answer, and refuses them only when core cannot either (fail-closed)", async () => {
    const dead = new Redis({
      port: 1,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    dead.on("error", () => {});
    const headers = new Headers({ cookie: `agora-vendor-portal.session-token=${ownerA.jwt}` });
    const onCore = { epochs: redisSessionEpochs(() => dead), whenUnavailable: "refuse" as const };
    const nowhere = {
      epochs: redisSessionEpochs(
        () => dead,
        async () => {
          throw new Error("core unreachable");
        },
      ),
      whenUnavailable: "refuse" as const,
    };
    // A valid session survives a late or absent cache…
    const valid = await getSession({ headers }, { ...auth, revocation: onCore });
    expect(valid).not.toBeNull();
    // …but not an outage of both stores…
    expect(await getSession({ headers }, { ...auth, revocation: nowhere })).toBeNull();
    // …and a revocation that reached only core (its write-through to Redis lost) still holds.
    await bumpSessionEpoch(core().primary, valid!.userId);
    expect(await getSession({ headers }, { ...auth, revocation: onCore })).toBeNull();
    dead.disconnect();
  });
});
