/**
 * The provider's sessions obey the apps' revocation. Every sign-in at the provider records the
 * user's session epoch (core `users.session_epoch`, see @agora/auth revocation.ts) against the
 * provider session; a session whose epoch is behind the user's current one — they signed out of
 * any Agora app, were removed as staff, or erased their account — no longer signs anyone in: the
 * next authorization asks for the password again (or answers `login_required` to `prompt=none`),
 * and a code issued before the revocation is refused at the token endpoint. Apps get the recorded
 * epoch in the ID token (`session_epoch`), so their own sessions are revoked by the same bump.
 *
 * The record lives beside the provider's other state in Redis, keyed by the session's `uid`
 * (stable for the browser session; its cookie id changes at every sign-in).
 */
import { redisSessionEpochs } from "@agora/api/sessions";
import type { SessionEpochs } from "@agora/auth";
import type { Redis } from "ioredis";
import { interactionPolicy, type KoaContextWithOIDC } from "oidc-provider";
import { z } from "zod";

const { Check } = interactionPolicy;

/** What an interaction's result carries from the sign-in form to the resume (interactions.ts). */
export const LOGIN_EPOCH_RESULT = "agora_epoch";

const recordShape = z.object({ accountId: z.string(), epoch: z.number().int().nonnegative() });
export type LoginRecord = z.infer<typeof recordShape>;

export interface LoginEpochs {
  record(sessionUid: string, rec: LoginRecord, ttlS: number): Promise<void>;
  find(sessionUid: string): Promise<LoginRecord | null>;
  /** True when the session's sign-in still stands for `accountId` (not revoked since). */
  current(sessionUid: string | undefined, accountId: string): Promise<LoginRecord | null>;
}

export function loginEpochs(
  redis: Redis,
  epochs: SessionEpochs = redisSessionEpochs(),
): LoginEpochs {
  const key = (uid: string) => `oidc:login-epoch:${uid}`;
  const find = async (uid: string) => {
    const raw = await redis.get(key(uid));
    if (!raw) return null;
    const parsed = recordShape.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  };
  return {
    async record(uid, rec, ttlS) {
      await redis.set(key(uid), JSON.stringify(rec), "EX", Math.max(1, Math.ceil(ttlS)));
    },
    find,
    async current(uid, accountId) {
      if (!uid) return null;
      const rec = await find(uid);
      if (!rec || rec.accountId !== accountId) return null;
      // Fail closed: when neither Redis nor core can say, the password is asked for again.
      const now = await epochs.current(accountId).catch(() => Number.POSITIVE_INFINITY);
      return rec.epoch >= now ? rec : null;
    },
  };
}

/** The epoch the sign-in form put into this request's interaction result, if any. */
function epochFromResult(ctx: KoaContextWithOIDC): number | null {
  const result = ctx.oidc.result as Record<string, unknown> | undefined;
  const login = result?.login as { accountId?: string } | undefined;
  const epoch = result?.[LOGIN_EPOCH_RESULT];
  if (!login || login.accountId !== ctx.oidc.session?.accountId) return null;
  return typeof epoch === "number" ? epoch : null;
}

/**
 * The login prompt's extra check. Right after the sign-in form (the resume carries its result) it
 * records the epoch for the session; on every later authorization it asks for the password again
 * when the session's sign-in was revoked since.
 */
export function revokedSessionCheck(epochs: LoginEpochs, sessionTtlS: number) {
  return new Check(
    "session_revoked",
    "the session was signed out or revoked in an Agora app",
    "login_required",
    async (ctx: KoaContextWithOIDC) => {
      const session = ctx.oidc.session;
      const accountId = session?.accountId;
      // No session: the default `no_session` check asks for the sign-in.
      if (!session || !accountId) return Check.NO_NEED_TO_PROMPT;
      const fresh = epochFromResult(ctx);
      if (fresh !== null) {
        await epochs.record(session.uid, { accountId, epoch: fresh }, sessionTtlS);
        return Check.NO_NEED_TO_PROMPT;
      }
      return (await epochs.current(session.uid, accountId))
        ? Check.NO_NEED_TO_PROMPT
        : Check.REQUEST_PROMPT;
    },
  );
}
