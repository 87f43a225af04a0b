/** `vendor.warehouses.list` / `create`: the tenant's warehouses on its shard. */
import { errorChain, withTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { type AuditActor, recordAudit } from "./audit-log.ts";

export const createWarehouseInput = z.object({
  code: z
    .string()
    .trim()
    .min(1)
    .max(32)
    .regex(/^[A-Za-z0-9_-]+$/, "code may use letters, digits, _ and -"),
  name: z.string().trim().min(1).max(120),
  city: z.string().trim().max(120).nullable().default(null),
});

export interface WarehouseView {
  id: string;
  code: string;
  name: string;
  city: string | null;
  createdAt: Date;
}

export async function listWarehouses(vendorId: string): Promise<WarehouseView[]> {
  return withTenant(vendorId, (tx) =>
    tx.warehouse.findMany({
      where: { vendorId },
      orderBy: { code: "asc" },
      select: { id: true, code: true, name: true, city: true, createdAt: true },
    }),
  );
}

export async function createWarehouse(
  actor: AuditActor,
  input: z.infer<typeof createWarehouseInput>,
): Promise<WarehouseView> {
  let created: WarehouseView;
  try {
    created = await withTenant(actor.vendorId, (tx) =>
      tx.warehouse.create({
        data: { vendorId: actor.vendorId, code: input.code, name: input.name, city: input.city },
        select: { id: true, code: true, name: true, city: true, createdAt: true },
      }),
    );
  } catch (err) {
    const taken = errorChain(err).some((e) => {
      const code = (e as { code?: unknown }).code;
      return code === "P2002" || code === "23505";
    });
    if (taken)
      throw new TRPCError({
        code: "CONFLICT",
        message: `Warehouse code "${input.code}" is taken.`,
        cause: err,
      });
    throw err;
  }
  await recordAudit(actor, {
    action: "warehouse.create",
    targetType: "warehouse",
    targetId: created.id,
    after: created,
  });
  return created;
}
