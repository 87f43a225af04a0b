/**
 * `Idempotency-Key` for the REST API's writes, in core's `idempotency_keys` (scope per tenant):
 * the first request with a key claims it, runs, and stores its answer; a retry with the same key
 * and the same request gets that answer again (header `Idempotent-Replayed: true`), the same key
 * with a different request is refused (422), and one still running is a 409 to retry later.
 *
 * The claim and the change live in different clusters (core, the vendor's shard), so they cannot
 * commit together: a process that dies between them leaves a claim without an answer, which the
 * next retry takes over after CLAIM_TIMEOUT. That is safe because the write it guards (setting an
 * absolute on-hand count) gives the same result when applied twice.
 */
import { createHash } from "node:crypto";
import { core } from "@agora/db";
import { ApiError } from "./api-error.ts";

const TTL = "24 hours";
const CLAIM_TIMEOUT = "30 seconds";

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export function requestHash(parts: unknown[]): string {
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

export async function idempotent(
  scope: string,
  key: string,
  hash: string,
  run: () => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> {
  const db = core().primary;
  // Claims a new key, an expired one, or this request's own abandoned claim.
  const claimed = await db.$executeRaw`
    INSERT INTO idempotency_keys (scope, key, request_hash, expires_at)
    VALUES (${scope}, ${key}, ${hash}, now() + ${TTL}::interval)
    ON CONFLICT (scope, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, status_code = NULL, response = NULL,
           created_at = now(), expires_at = EXCLUDED.expires_at
     WHERE idempotency_keys.expires_at < now()
        OR (idempotency_keys.status_code IS NULL
            AND idempotency_keys.request_hash = EXCLUDED.request_hash
            AND idempotency_keys.created_at < now() - ${CLAIM_TIMEOUT}::interval)`;
  if (claimed === 0) {
    const row = await db.idempotencyKey.findUnique({ where: { scope_key: { scope, key } } });
    if (row && row.requestHash !== hash)
      throw new ApiError(
        "IDEMPOTENCY_KEY_REUSED",
        "This Idempotency-Key was used for a different request; use a new key for a new change.",
      );
    if (!row || row.statusCode === null)
      throw new ApiError(
        "CONFLICT",
        "A request with this Idempotency-Key is still in progress; retry shortly.",
        undefined,
        {
          "retry-after": "1",
        },
      );
    return { status: row.statusCode, body: row.response, replayed: true };
  }
  let answer: StoredAnswer;
  try {
    answer = await run();
  } catch (err) {
    // Nothing changed (the write failed or was refused): free the key so a corrected retry may use it.
    await db.idempotencyKey.deleteMany({ where: { scope, key, statusCode: null } });
    throw err;
  }
  await db.idempotencyKey.update({
    where: { scope_key: { scope, key } },
    data: { statusCode: answer.status, response: answer.body as object },
  });
  return { ...answer, replayed: false };
}
