/**
 * Row-level security scopes on the shards (migrations/shard/0004, docs/adr/0004). Every shard table
 * with a tenant is visible to the app role only when the transaction names the tenant
 * (`agora.vendor_id`) or declares itself a platform job (`agora.scope = 'platform'`). Both are
 * set with set_config(..., true), i.e. SET LOCAL: they end with the transaction, so a pooled
 * connection never carries one tenant's scope into the next request.
 */
import { z } from "zod";
import { shard } from "../clients/registry.ts";
import type { ShardDb } from "../clients/prisma-clients.ts";
import { shardFor } from "../sharding/directory.ts";
import { retryWhileVendorMoves } from "../sharding/vendor-move/fence.ts";

/** The client a shard interactive transaction hands to its callback. */
export type ShardTransaction = Parameters<Parameters<ShardDb["$transaction"]>[0]>[0];

/** Anything that can run raw SQL inside the transaction (a Prisma interactive transaction fits). */
export interface ScopeTx {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

export interface TenantTransactionOptions {
  maxWait?: number;
  timeout?: number;
}

const vendorIdSchema = z.uuid();

/** Scopes the CURRENT transaction to one tenant. Call first inside a shard transaction. */
export async function setTenant(tx: ScopeTx, vendorId: string): Promise<void> {
  // Parsed, so a malformed id fails here rather than as a cast error deep inside a policy.
  await tx.$queryRawUnsafe(
    "SELECT set_config('agora.vendor_id', $1, true)",
    vendorIdSchema.parse(vendorId),
  );
}

/**
 * Declares the CURRENT transaction a platform-wide job that acts for every tenant on the shard
 * (outbox relay, seed, vendor moves). Keep callers few and greppable.
 */
export async function setPlatformScope(tx: ScopeTx): Promise<void> {
  await tx.$queryRawUnsafe("SELECT set_config('agora.scope', 'platform', true)");
}

/**
 * Runs `fn` in ONE transaction on the primary of the vendor's shard with the tenant set: queries
 * inside see and write only this vendor's rows, even one that forgets its vendor_id filter.
 * While the vendor is being moved between shards its writes are refused for a moment; the whole
 * transaction then runs again where the directory points (sharding/vendor-move/fence.ts), so `fn`
 * must not have effects outside the transaction.
 */
export async function withTenant<T>(
  vendorId: string,
  fn: (tx: ShardTransaction, shardName: string) => Promise<T>,
  options: TenantTransactionOptions = {},
): Promise<T> {
  const id = vendorIdSchema.parse(vendorId);
  return retryWhileVendorMoves(id, async () => {
    const shardName = await shardFor(id);
    return shard(shardName).primary.$transaction(
      async (tx) => {
        await setTenant(tx, vendorId);
        return fn(tx, shardName);
      },
      { maxWait: options.maxWait ?? 5_000, timeout: options.timeout ?? 15_000 },
    );
  });
}

/** Runs `fn` in one platform-scoped transaction on a shard's primary (see setPlatformScope). */
export async function withPlatformScope<T>(
  shardName: string,
  fn: (tx: ShardTransaction) => Promise<T>,
  options: TenantTransactionOptions = {},
): Promise<T> {
  return shard(shardName).primary.$transaction(
    async (tx) => {
      await setPlatformScope(tx);
      return fn(tx);
    },
    { maxWait: options.maxWait ?? 5_000, timeout: options.timeout ?? 60_000 },
  );
}
