/**
 * The owner's side of vendor API keys: create (the key is returned once), list, revoke. Keys live
 * in core (one table for every tenant, looked up by prefix on each API call, uncached, so a revoked
 * key is refused by every instance on its next call); each change is audited in the same core
 * transaction.
 */
import { randomUUID } from "node:crypto";
import { core } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { type AuditActor, recordAudit } from "../../vendor/audit-log.ts";
import type { ApiKeyView, CreateApiKeyInput } from "./api-keys.schema.ts";
import { generateKey, KEY_PREFIX } from "./key-format.ts";
import type { ApiScope } from "./scopes.ts";

/** Live keys per shop: enough for one per integration, few enough to review. */
export const MAX_ACTIVE_KEYS = 20;

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rateLimitPerMinute: number;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const viewOf = (r: KeyRow): ApiKeyView => ({
  id: r.id,
  name: r.name,
  prefix: `${KEY_PREFIX}${r.prefix}_…`,
  scopes: r.scopes as ApiScope[],
  rateLimitPerMinute: r.rateLimitPerMinute,
  createdAt: r.createdAt,
  lastUsedAt: r.lastUsedAt,
  revokedAt: r.revokedAt,
});

const SELECT = {
  id: true,
  name: true,
  prefix: true,
  scopes: true,
  rateLimitPerMinute: true,
  createdAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

export async function createApiKey(
  actor: AuditActor,
  input: CreateApiKeyInput,
): Promise<{ key: string; apiKey: ApiKeyView }> {
  const { key, prefix, secretHash } = generateKey();
  const row = await core().primary.$transaction(async (tx) => {
    const active = await tx.vendorApiKey.count({
      where: { vendorId: actor.vendorId, revokedAt: null },
    });
    if (active >= MAX_ACTIVE_KEYS)
      throw new TRPCError({
        code: "PRECONDITION_FAILED",
        message: `A shop may hold ${MAX_ACTIVE_KEYS} active keys; revoke one first.`,
      });
    const created = await tx.vendorApiKey.create({
      data: {
        id: randomUUID(),
        vendorId: actor.vendorId,
        name: input.name,
        prefix,
        secretHash,
        scopes: input.scopes,
        rateLimitPerMinute: input.rateLimitPerMinute,
        createdBy: actor.userId,
      },
      select: SELECT,
    });
    await recordAudit(
      actor,
      {
        action: "api_key.create",
        targetType: "api_key",
        targetId: created.id,
        after: {
          name: created.name,
          prefix: created.prefix,
          scopes: created.scopes,
          rateLimitPerMinute: created.rateLimitPerMinute,
        },
      },
      tx,
    );
    return created;
  });
  return { key, apiKey: viewOf(row) };
}

export async function listApiKeys(vendorId: string): Promise<ApiKeyView[]> {
  const rows = await core().primary.vendorApiKey.findMany({
    where: { vendorId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    take: 200,
    select: SELECT,
  });
  return rows.map(viewOf);
}

/** Idempotent: revoking a revoked key answers with it unchanged. Another shop's key → NOT_FOUND. */
export async function revokeApiKey(actor: AuditActor, keyId: string): Promise<ApiKeyView> {
  const row = await core().primary.$transaction(async (tx) => {
    const found = await tx.vendorApiKey.findFirst({
      where: { id: keyId, vendorId: actor.vendorId },
      select: SELECT,
    });
    if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "No such key in your shop." });
    if (found.revokedAt) return found;
    const revoked = await tx.vendorApiKey.update({
      where: { id: keyId },
      data: { revokedAt: new Date(), revokedBy: actor.userId },
      select: SELECT,
    });
    await recordAudit(
      actor,
      {
        action: "api_key.revoke",
        targetType: "api_key",
        targetId: keyId,
        before: { revokedAt: null },
        after: { revokedAt: revoked.revokedAt },
        details: { name: found.name, prefix: found.prefix },
      },
      tx,
    );
    return revoked;
  });
  return viewOf(row);
}
