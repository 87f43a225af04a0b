/**
 * "Download my data": gathers everything Agora holds about one shopper — profile, addresses,
 * orders (with the product titles from the vendor shards the shopper bought from), reviews, cart,
 * notifications — validates it against the export format and writes one JSON file (0600, in the
 * user's own folder) that only the user can download until it expires. Progress goes on the
 * request row. Re-running a request rewrites the same file.
 */
import { chmod, mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { loadConfig, storageSchema } from "@agora/config";
import { core, withTenant } from "@agora/db";
import {
  type DataExport,
  dataExportSchema,
  EXPORT_TTL_MS,
  type ExportedOrder,
  exportFilePath,
  readLines,
  userCartKey,
} from "@agora/api/privacy";
import { ERASED_ADDRESS, loadOrder, openShippingAddress, type ShippingAddress } from "@agora/orders";
import { createRedis } from "@agora/redis";
import { openEmail, openUserName } from "@agora/secrets";
import type { Redis } from "ioredis";
import { loadRequest, recordStep } from "./request-state.ts";

/** An erased user's requests cannot be exported any more. */
export class ExportOfErasedUserError extends Error {
  readonly code = "EXPORT_OF_ERASED_USER";
  readonly retryable = false;
  constructor(userId: string) {
    super(`user ${userId} was erased: nothing to export`);
    this.name = "ExportOfErasedUserError";
  }
}

export async function gatherExport(
  userId: string,
  redis: Redis,
  onProgress: (step: string, percent: number) => Promise<void> = async () => {},
): Promise<DataExport> {
  const db = core().primary;
  const user = await db.user.findUnique({
    where: { id: userId },
    include: { roles: { select: { roleName: true } } },
  });
  if (!user || user.erasedAt) throw new ExportOfErasedUserError(userId);
  const profile = {
    userId,
    email: await openEmail("users", user),
    name: await openUserName(user),
    createdAt: user.createdAt.toISOString(),
    roles: user.roles.map((r) => r.roleName),
    phone: typeof user.pii === "object" && user.pii && "phone" in user.pii ? String(user.pii.phone) : null,
  };
  await onProgress("profile", 10);

  const orderRows = await db.order.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  const vendorIds = new Set<string>();
  const orders: ExportedOrder[] = [];
  const states = [];
  for (const row of orderRows) {
    const state = await loadOrder(row.id, db);
    if (!state) continue;
    states.push({ row, state });
    for (const i of state.placed.items) vendorIds.add(i.vendorId);
  }
  await onProgress("orders", 30);

  // Product titles and vendor names: each vendor's shard, read under the vendor's tenant scope.
  const vendors = await db.vendor.findMany({ where: { id: { in: [...vendorIds] } }, select: { id: true, name: true } });
  const vendorName = new Map(vendors.map((v) => [v.id, v.name]));
  const titles = new Map<string, string>();
  for (const vendorId of vendorIds) {
    const productIds = [
      ...new Set(states.flatMap(({ state }) => state.placed.items.filter((i) => i.vendorId === vendorId).map((i) => i.productId))),
    ];
    const products = await withTenant(vendorId, (tx) =>
      tx.product.findMany({ where: { vendorId, id: { in: productIds } }, select: { id: true, title: true } }),
    );
    for (const p of products) titles.set(`${vendorId}/${p.id}`, p.title);
  }
  await onProgress("vendor-shards", 60);

  const addresses: ShippingAddress[] = [];
  for (const { row, state } of states) {
    const opened = await openShippingAddress(row.id, state.placed);
    const address = opened && opened !== ERASED_ADDRESS ? opened : null;
    if (address && !addresses.some((a) => JSON.stringify(a) === JSON.stringify(address))) addresses.push(address);
    orders.push({
      orderId: row.id,
      placedAt: row.createdAt.toISOString(),
      status: state.status,
      totalCents: state.placed.totalCents,
      currency: state.placed.currency,
      address,
      lines: state.placed.items.map((i) => ({
        vendorId: i.vendorId,
        vendorName: vendorName.get(i.vendorId) ?? "",
        productId: i.productId,
        title: titles.get(`${i.vendorId}/${i.productId}`) ?? "",
        quantity: i.quantity,
        unitPriceCents: i.unitPriceCents,
      })),
      parcels: Object.entries(state.parcels).map(([vendorId, p]) => ({
        vendorId,
        status: p.status,
        trackingNumber: p.trackingNumber,
      })),
    });
  }
  await onProgress("addresses", 70);

  const reviews = await db.review.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  const cart = await readLines(redis, userCartKey(userId));
  const notifications = await db.notification.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  await onProgress("reviews-cart-notifications", 90);

  return dataExportSchema.parse({
    format: "agora-data-export/v1",
    generatedAt: new Date().toISOString(),
    profile,
    addresses,
    orders,
    reviews: reviews.map((r) => ({
      productId: r.productId,
      rating: r.rating,
      title: r.title,
      body: r.body,
      createdAt: r.createdAt.toISOString(),
    })),
    cart: cart.map((l) => ({
      productId: l.productId,
      variantId: l.variantId ?? null,
      vendorId: l.vendorId,
      title: l.title,
      quantity: l.quantity,
    })),
    notifications: notifications.map((n) => ({
      kind: n.kind,
      title: n.title,
      body: n.body,
      createdAt: n.createdAt.toISOString(),
      readAt: n.readAt?.toISOString() ?? null,
    })),
  } satisfies DataExport);
}

export async function runExport(
  requestId: string,
  opts: { redis?: () => Redis; storageDir?: string } = {},
): Promise<{ file: string; bytes: number }> {
  const request = await loadRequest(requestId, "export");
  const storageDir = opts.storageDir ?? loadConfig(storageSchema).AGORA_STORAGE_DIR;
  await recordStep(requestId, { step: "started", progress: 0 });
  const data = await gatherExport(request.userId, (opts.redis ?? sharedRedis)(), (step, progress) =>
    recordStep(requestId, { step, progress }),
  );
  const file = exportFilePath(storageDir, request.userId, requestId);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const body = JSON.stringify(data, null, 2);
  const tmp = `${file}.tmp`;
  await writeFile(tmp, body, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
  await core().primary.privacyRequest.update({
    where: { id: requestId },
    data: {
      status: "done",
      step: "written",
      progress: 100,
      fileName: `${requestId}.json`,
      expiresAt: new Date(Date.now() + EXPORT_TTL_MS),
      finishedAt: new Date(),
    },
  });
  await core().primary.auditLog.create({
    data: {
      actorUserId: null,
      action: "privacy.export.done",
      targetType: "user",
      targetId: request.userId,
      details: { requestId, orders: data.orders.length, bytes: body.length },
    },
  });
  return { file, bytes: body.length };
}

let redis: Redis | undefined;
function sharedRedis(): Redis {
  redis ??= createRedis({ maxRetriesPerRequest: null, connectionName: "pool:maintenance:privacy-export" });
  return redis;
}
