/**
 * Read-your-writes for a shopper's orders: after a placement we remember the core primary's WAL
 * position (the commit token) per user in Redis, and order reads ask for a replica that has
 * replayed past it (else the primary). Kept server-side so every storefront instance behind the
 * gateway sees it, with a TTL far above any healthy replica lag.
 */
import { assertCommitToken, type CommitToken } from "@agora/db";
import { checkoutRedis } from "../checkout/checkout-redis.ts";

const TOKEN_TTL_MS = 5 * 60 * 1000;
const keyOf = (userId: string) => `ryw:orders:${userId}`;

export async function rememberCommit(userId: string, token: CommitToken): Promise<void> {
  await checkoutRedis().set(keyOf(userId), token, "PX", TOKEN_TTL_MS);
}

/** The user's last commit token, or null (then any replica may serve, per read-your-writes). */
export async function lastCommit(userId: string): Promise<CommitToken | null> {
  const token = await checkoutRedis().get(keyOf(userId));
  if (token === null) return null;
  return assertCommitToken(token);
}
