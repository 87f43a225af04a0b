/**
 * The core audit trail of privileged vendor actions: who, in which tenant, did what, with the
 * row before and after. Written right after the shard transaction commits: core and the shard are
 * different clusters, so the entry cannot share the change's transaction. A failed audit write
 * fails the request (the caller sees an error and can retry the idempotent read), never silently.
 */
import { core, type CoreTx } from "@agora/db";
import { openEmail } from "@agora/secrets";
import { z } from "zod";

export interface AuditActor {
  userId: string;
  vendorId: string;
}

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  before?: unknown;
  after?: unknown;
  details?: Record<string, unknown>;
}

/** JSON-safe copy (Dates → ISO strings, bigint → string) for the jsonb columns. */
function toJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v)),
  ) as unknown;
}

const uuid = z.uuid();

/** `db`: a core transaction when the audited change itself is in core (then both commit together). */
export async function recordAudit(
  actor: AuditActor,
  entry: AuditEntry,
  db: Pick<CoreTx, "auditLog"> = core().primary,
): Promise<void> {
  await db.auditLog.create({
    data: {
      // Sessions of seeded or external users always carry a uuid; anything else is not stored as one.
      actorUserId: uuid.safeParse(actor.userId).success ? actor.userId : null,
      vendorId: actor.vendorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details: (toJson(entry.details ?? {}) ?? {}) as object,
      ...(entry.before !== undefined ? { before: toJson(entry.before) as object } : {}),
      ...(entry.after !== undefined ? { after: toJson(entry.after) as object } : {}),
    },
  });
}

const MAX_INT8 = 2n ** 63n - 1n;

export const auditLogInput = z
  .object({
    /** Keyset cursor: the smallest id of the previous page (a bigint id, so within int8). */
    cursor: z
      .string()
      .regex(/^\d{1,19}$/)
      .refine((c) => BigInt(c) <= MAX_INT8, "cursor out of range")
      .optional(),
    limit: z.number().int().min(1).max(100).default(50),
  })
  .optional();

export interface AuditLogPage {
  items: {
    id: string;
    at: Date;
    actorUserId: string | null;
    actorEmail: string | null;
    action: string;
    targetType: string;
    targetId: string | null;
    before: unknown;
    after: unknown;
    details: unknown;
  }[];
  nextCursor: string | null;
}

/** The tenant's own entries, newest first. */
export async function listAuditLog(
  vendorId: string,
  input: z.infer<typeof auditLogInput>,
): Promise<AuditLogPage> {
  const limit = input?.limit ?? 50;
  const db = core().primary;
  const rows = await db.auditLog.findMany({
    where: { vendorId, ...(input?.cursor ? { id: { lt: BigInt(input.cursor) } } : {}) },
    orderBy: { id: "desc" },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const actorIds = [...new Set(page.flatMap((r) => (r.actorUserId ? [r.actorUserId] : [])))];
  const users = actorIds.length
    ? await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, email: true, emailSealed: true, dataKey: true } })
    : [];
  const emails = new Map(await Promise.all(users.map(async (u) => [u.id, await openEmail("users", u)] as const)));
  return {
    items: page.map((r) => ({
      id: r.id.toString(),
      at: r.createdAt,
      actorUserId: r.actorUserId,
      actorEmail: r.actorUserId ? (emails.get(r.actorUserId) ?? null) : null,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      before: r.before,
      after: r.after,
      details: r.details,
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id.toString() : null,
  };
}
