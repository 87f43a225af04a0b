/**
 * The provider's token signing keys, rotated: next (published, not signing) → active (signs) →
 * retired (published for a grace period, so tokens it signed still verify), then dropped. Keys live in core
 * (`identity_signing_keys`), the private half sealed by the secrets provider's transit key, so
 * every provider instance signs with the same key and a restart does not invalidate tokens.
 */
import { randomUUID } from "node:crypto";
import { core } from "@agora/db";
import { secretsFromEnv } from "@agora/secrets";
import { exportJWK, generateKeyPair, type JWK } from "jose";

export const SIGNING_ALG = "ES256";
const TRANSIT_KEY = "identity-signing";
/** A replaced key stays published this long: far beyond the longest token lifetime (10 min). */
export const RETIRED_KEY_GRACE_MS = 24 * 60 * 60_000;

export interface KeySet {
  /** Private JWKs, the signing key first. */
  signing: JWK[];
  /** Public JWKs of every published key (what `/jwks` serves). */
  published: JWK[];
  /** The kid that signs now; changes on rotation. */
  currentKid: string;
}

const aad = (kid: string) => Buffer.from(`identity-signing-key:${kid}`);

async function newKey(): Promise<{ kid: string; publicJwk: JWK; sealed: string }> {
  const kid = randomUUID();
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALG, use: "sig" };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG, use: "sig" };
  const secrets = secretsFromEnv();
  await secrets.transit.createKey(TRANSIT_KEY);
  const sealed = await secrets.transit.encrypt(
    TRANSIT_KEY,
    Buffer.from(JSON.stringify(privateJwk)),
    {
      associatedData: aad(kid),
    },
  );
  return { kid, publicJwk, sealed };
}

/**
 * The current key set, rotating first when the active key is older than `rotateAfterMs`:
 * the next key (published since the previous rotation) becomes active, the active one retires,
 * and a new next key is made. A key therefore signs only after it was in the JWKS for a whole
 * rotation period, far longer than any resource server caches the JWKS (the REST API refetches
 * at most every 30 s), so no valid token ever carries a `kid` a verifier has not seen. Instances
 * serialise on a transaction-scoped advisory lock, so two of them starting together rotate once.
 */
export async function currentKeySet(rotateAfterMs: number, now = new Date()): Promise<KeySet> {
  const made = await Promise.all([newKey(), newKey()]);
  const rows = await core().primary.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('identity_signing_keys'))`;
    const insert = (k: (typeof made)[number], activatedAt: Date | null) =>
      tx.identitySigningKey.create({
        data: {
          kid: k.kid,
          alg: SIGNING_ALG,
          publicJwk: k.publicJwk as object,
          privateJwkSealed: k.sealed,
          createdAt: now,
          activatedAt,
        },
      });
    const active = await tx.identitySigningKey.findFirst({
      where: { activatedAt: { not: null }, retiredAt: null },
      orderBy: { activatedAt: "desc" },
    });
    let next = await tx.identitySigningKey.findFirst({
      where: { activatedAt: null, retiredAt: null },
      orderBy: { createdAt: "asc" },
    });
    if (!active || now.getTime() - active.activatedAt!.getTime() >= rotateAfterMs) {
      if (active)
        await tx.identitySigningKey.update({
          where: { kid: active.kid },
          data: { retiredAt: now },
        });
      // The very first key signs at once: nothing was issued before it, so nobody can miss it.
      if (next)
        await tx.identitySigningKey.update({
          where: { kid: next.kid },
          data: { activatedAt: now },
        });
      else await insert(made[0], now);
      next = null;
    }
    if (!next) await insert(made[1], null);
    const graceStart = new Date(now.getTime() - RETIRED_KEY_GRACE_MS);
    await tx.identitySigningKey.deleteMany({ where: { retiredAt: { lt: graceStart } } });
    return tx.identitySigningKey.findMany({
      where: { OR: [{ retiredAt: null }, { retiredAt: { gte: graceStart } }] },
    });
  });
  // The active key first (oidc-provider signs with the first key of the algorithm), then the next
  // key and the retired ones, which are only published.
  const rank = (r: (typeof rows)[number]) => (r.retiredAt ? 2 : r.activatedAt ? 0 : 1);
  rows.sort((x, y) => rank(x) - rank(y) || y.createdAt.getTime() - x.createdAt.getTime());
  const secrets = secretsFromEnv();
  const signing = await Promise.all(
    rows.map(async (r) => {
      const plain = await secrets.transit.decrypt(TRANSIT_KEY, r.privateJwkSealed, {
        associatedData: aad(r.kid),
      });
      return JSON.parse(plain.toString("utf8")) as JWK;
    }),
  );
  return { signing, published: rows.map((r) => r.publicJwk as JWK), currentKid: rows[0]!.kid };
}
