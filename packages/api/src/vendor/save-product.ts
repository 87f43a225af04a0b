/**
 * `vendor.products.create` / `update` / `archive`: one shard transaction under the tenant writes
 * the product, its variants and the `ProductUpserted` outbox event; then the core audit log.
 * Updates are optimistic: `expectedVersion` must equal the stored version, checked under the
 * row lock, else CONFLICT with the current version and the fields that differ.
 */
import { core, errorChain, type ShardTransaction, withTenant } from "@agora/db";
import { TRPCError } from "@trpc/server";
import type { z } from "zod";
import { recordAudit, type AuditActor } from "./audit-log.ts";
import {
  diffProduct,
  type EditableProduct,
  ProductVersionConflictError,
} from "./product-conflict.ts";
import { announceProduct } from "./product-events.ts";
import { loadProduct, type ProductView } from "./product-rows.ts";
import type { archiveProductInput, ProductFields, UpdateProductInput } from "./products.schema.ts";

async function categoryIdOf(slug: string): Promise<string> {
  const c = await core().primary.category.findUnique({ where: { slug }, select: { id: true } });
  if (!c) throw new TRPCError({ code: "BAD_REQUEST", message: `Unknown category "${slug}".` });
  return c.id;
}

/** A unique-key violation (SKU taken) is the vendor's input problem, not a server error. */
function skuConflict(err: unknown): TRPCError | undefined {
  const unique = errorChain(err).some((e) => {
    const code = (e as { code?: unknown }).code;
    return code === "P2002" || code === "23505";
  });
  return unique
    ? new TRPCError({
        code: "CONFLICT",
        message: "That SKU is already used in your shop.",
        cause: err,
      })
    : undefined;
}

/** A removed variant whose stock rows still hold units (the rows' foreign key refuses it). */
function variantHoldsStock(err: unknown): TRPCError | undefined {
  const held = errorChain(err).some((e) => {
    const code = (e as { code?: unknown }).code;
    return code === "P2003" || code === "23503";
  });
  return held
    ? new TRPCError({
        code: "CONFLICT",
        message:
          "A variant you removed still holds or reserves stock: move or adjust it to 0 first.",
        cause: err,
      })
    : undefined;
}

async function writeVariants(
  tx: ShardTransaction,
  vendorId: string,
  productId: string,
  variants: ProductFields["variants"],
): Promise<void> {
  // Replace the set: variants not submitted are removed, the rest are upserted by SKU. A removed
  // variant's empty stock rows go with it; rows that still hold units make the delete fail.
  await tx.stockLevel.deleteMany({
    where: {
      vendorId,
      productId,
      onHand: 0,
      reserved: 0,
      variant: { sku: { notIn: variants.map((v) => v.sku) } },
    },
  });
  await tx.productVariant.deleteMany({
    where: { vendorId, productId, sku: { notIn: variants.map((v) => v.sku) } },
  });
  for (const v of variants) {
    const data = {
      title: v.title,
      priceCents: v.priceCents,
      attributes: {
        ...(v.size ? { size: v.size } : {}),
        ...(v.colour ? { colour: v.colour } : {}),
      },
    };
    await tx.productVariant.upsert({
      where: { vendorId_sku: { vendorId, sku: v.sku } },
      create: { vendorId, productId, sku: v.sku, ...data },
      update: { productId, ...data },
    });
  }
}

export async function createProduct(actor: AuditActor, input: ProductFields): Promise<ProductView> {
  const { vendorId } = actor;
  const categoryId = await categoryIdOf(input.categorySlug);
  let product: ProductView;
  try {
    product = await withTenant(vendorId, async (tx) => {
      const row = await tx.product.create({
        data: {
          vendorId,
          sku: input.sku,
          categoryId,
          categorySlug: input.categorySlug,
          title: input.title,
          description: input.description,
          priceCents: input.priceCents,
          currency: input.currency,
          status: input.status,
        },
        select: { id: true },
      });
      await writeVariants(tx, vendorId, row.id, input.variants);
      const view = await loadProduct(tx, vendorId, row.id);
      await announceProduct(tx, vendorId, view);
      return view;
    });
  } catch (err) {
    throw skuConflict(err) ?? variantHoldsStock(err) ?? err;
  }
  await recordAudit(actor, {
    action: "product.create",
    targetType: "product",
    targetId: product.id,
    after: product,
  });
  return product;
}

/** Locks the row and checks the version; throws CONFLICT when someone saved in between. */
async function lockForUpdate(
  tx: ShardTransaction,
  vendorId: string,
  productId: string,
  expectedVersion: number,
  submitted: Partial<EditableProduct>,
): Promise<ProductView> {
  await tx.$queryRaw`SELECT 1 FROM products WHERE id = ${productId}::uuid AND vendor_id = ${vendorId}::uuid FOR UPDATE`;
  const current = await loadProduct(tx, vendorId, productId);
  if (current.version !== expectedVersion) {
    const conflict = new ProductVersionConflictError(
      productId,
      expectedVersion,
      current.version,
      diffProduct(current, submitted),
    );
    throw new TRPCError({ code: "CONFLICT", message: conflict.message, cause: conflict });
  }
  return current;
}

export async function updateProduct(
  actor: AuditActor,
  input: UpdateProductInput,
): Promise<ProductView> {
  const { vendorId } = actor;
  const categoryId = await categoryIdOf(input.categorySlug);
  let result: { before: ProductView; after: ProductView };
  try {
    result = await withTenant(vendorId, async (tx) => {
      const before = await lockForUpdate(
        tx,
        vendorId,
        input.productId,
        input.expectedVersion,
        input,
      );
      await tx.product.update({
        where: { id: input.productId },
        data: {
          sku: input.sku,
          categoryId,
          categorySlug: input.categorySlug,
          title: input.title,
          description: input.description,
          priceCents: input.priceCents,
          currency: input.currency,
          // Saving an archived product brings it back as draft or active: the editor chose which.
          status: input.status,
          version: { increment: 1 },
        },
      });
      await writeVariants(tx, vendorId, input.productId, input.variants);
      const after = await loadProduct(tx, vendorId, input.productId);
      await announceProduct(tx, vendorId, after);
      return { before, after };
    });
  } catch (err) {
    throw skuConflict(err) ?? variantHoldsStock(err) ?? err;
  }
  await recordAudit(actor, {
    action: "product.update",
    targetType: "product",
    targetId: input.productId,
    before: result.before,
    after: result.after,
    details: { changed: diffProduct(result.before, result.after).map((c) => c.field) },
  });
  return result.after;
}

export async function archiveProduct(
  actor: AuditActor,
  input: z.infer<typeof archiveProductInput>,
): Promise<ProductView> {
  const { vendorId } = actor;
  const { before, after } = await withTenant(vendorId, async (tx) => {
    const before = await lockForUpdate(tx, vendorId, input.productId, input.expectedVersion, {
      status: "archived",
    });
    await tx.product.update({
      where: { id: input.productId },
      data: { status: "archived", version: { increment: 1 } },
    });
    const after = await loadProduct(tx, vendorId, input.productId);
    await announceProduct(tx, vendorId, after);
    return { before, after };
  });
  await recordAudit(actor, {
    action: "product.archive",
    targetType: "product",
    targetId: input.productId,
    before: { status: before.status, version: before.version },
    after: { status: after.status, version: after.version },
  });
  return after;
}

export async function getProduct(vendorId: string, productId: string): Promise<ProductView> {
  return withTenant(vendorId, (tx) => loadProduct(tx, vendorId, productId));
}
