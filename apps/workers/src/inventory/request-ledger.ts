/**
 * The inventory service's idempotency keys, in core's `idempotency_keys` (scope
 * `inventory:<method>`): the first answer under a key is stored with a hash of its request, and
 * every later call with that key gets the stored answer back (or IdempotencyKeyReusedError when the
 * request differs). The stock operations are themselves idempotent per (order, vendor) on the
 * shard, so a server that dies between the shard commit and the ledger write is harmless: the
 * retry finds the shard's reservation and records that.
 */
import { createHash } from "node:crypto";
import { core } from "@agora/db";
import { IdempotencyKeyReusedError, type ReservationMessage } from "@agora/inventory";

const KEY_TTL_MS = 7 * 24 * 3_600_000;

export function requestHash(request: object): string {
  return createHash("sha256").update(JSON.stringify(request)).digest("hex");
}

interface LedgerRow {
  request_hash: string;
  response: ReservationMessage | null;
}

async function find(scope: string, key: string): Promise<LedgerRow | undefined> {
  const rows = await core().primary.$queryRaw<LedgerRow[]>`
    SELECT request_hash, response FROM idempotency_keys WHERE scope = ${scope} AND key = ${key}`;
  return rows[0];
}

/**
 * Runs `operation` unless `key` already has an answer; returns the answer stored under the key
 * (`replayed: true` when it is an earlier call's).
 */
export async function once(
  scope: string,
  key: string,
  hash: string,
  operation: () => Promise<ReservationMessage>,
): Promise<ReservationMessage> {
  const prior = await find(scope, key);
  if (prior && prior.request_hash !== hash) throw new IdempotencyKeyReusedError(key);
  if (prior?.response) return { ...prior.response, replayed: true };
  const answer = await operation();
  const stored = await core().primary.$queryRaw<{ key: string }[]>`
    INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response, expires_at)
    VALUES (${scope}, ${key}, ${hash}, 0, ${JSON.stringify(answer)}::jsonb, ${new Date(Date.now() + KEY_TTL_MS)})
    ON CONFLICT (scope, key) DO NOTHING
    RETURNING key`;
  if (stored.length === 1) return answer;
  // A concurrent call with the same key stored first: its answer is the key's answer.
  const winner = await find(scope, key);
  if (!winner || winner.request_hash !== hash) throw new IdempotencyKeyReusedError(key);
  return winner.response ? { ...winner.response, replayed: true } : answer;
}
