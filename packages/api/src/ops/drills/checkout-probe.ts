/**
 * The synthetic checkout a drill runs beside the fault: a dedicated shopper buys one unit of the
 * best-stocked product through the same placement path as the storefront (idempotent placement
 * in core + the saga enqueued on BullMQ), paying with the simulator's success test card.
 */
import { serviceFetch } from "@agora/config/service-tls";
import { randomUUID } from "node:crypto";
import { core, hashPassword, shardNames, withPlatformScope } from "@agora/db";
import { loadConfig, servicesSchema } from "@agora/config";
import { createSagaQueue, queueEnqueuer, startCheckout } from "@agora/orders";
import { createRedis } from "@agora/redis";
import { emailIndex, sealEmail } from "@agora/secrets";
import { z } from "zod";
import type { TrafficProbe } from "./traffic.ts";

const DRILL_SHOPPER = "drill-traffic@agora.local";
const SUCCESS_CARD = { number: "4242424242424242", expMonth: 12, expYear: 2099, cvc: "123" };

async function drillShopper(): Promise<string> {
  const db = core().primary;
  // Stored sealed like every address (ADR 0007); found by blind index, or by plaintext if older.
  const index = await emailIndex(DRILL_SHOPPER);
  const existing = await db.user.findFirst({
    where: { OR: [{ emailIndex: index }, { email: DRILL_SHOPPER }] },
    select: { id: true },
  });
  let userId = existing?.id;
  if (!userId) {
    const newId = randomUUID();
    const sealed = await sealEmail("users", newId, DRILL_SHOPPER);
    const passwordHash = await hashPassword(randomUUID());
    // Two drills starting at once: ON CONFLICT keeps one shopper, both then read it.
    await db.$executeRaw`
      INSERT INTO users (id, email_index, email_sealed, data_key, name, password_hash)
      VALUES (${newId}::uuid, ${sealed.emailIndex}, ${sealed.emailSealed}, ${sealed.dataKey},
              'Drill traffic', ${passwordHash})
      ON CONFLICT (email_index) DO NOTHING`;
    userId = (await db.user.findUniqueOrThrow({ where: { emailIndex: index }, select: { id: true } })).id;
  }
  await db.$executeRaw`
    INSERT INTO user_roles (user_id, role_name) VALUES (${userId}::uuid, 'shopper') ON CONFLICT DO NOTHING`;
  return userId;
}

async function bestStockedProduct(): Promise<{
  vendorId: string;
  productId: string;
  available: number;
}> {
  const candidates = await Promise.all(
    shardNames().map((name) =>
      withPlatformScope(
        name,
        (tx) =>
          tx.$queryRaw<{ vendor_id: string; product_id: string; available: bigint }[]>`
          SELECT s.vendor_id, s.product_id, sum(s.on_hand - s.reserved) AS available
          FROM stock_levels s JOIN products p ON p.id = s.product_id AND p.status = 'active'
          WHERE s.variant_id IS NULL -- the probe buys products, not variants: their own stock only
          GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 1`,
      ),
    ),
  );
  const best = candidates
    .flat()
    .map((r) => ({
      vendorId: r.vendor_id,
      productId: r.product_id,
      available: Number(r.available),
    }))
    .sort((a, b) => b.available - a.available)[0];
  if (!best || best.available <= 0)
    throw new Error("no product in stock to run synthetic checkouts with");
  return best;
}

async function paymentMethod(): Promise<string> {
  // The card step as a browser reaches it: the provider's public URL (plain), else its API's.
  const provider = loadConfig(
    servicesSchema.pick({ AGORA_PAYMENT_PROVIDER_URL: true, AGORA_PAYMENT_PROVIDER_PUBLIC_URL: true }),
  );
  const base = provider.AGORA_PAYMENT_PROVIDER_PUBLIC_URL ?? provider.AGORA_PAYMENT_PROVIDER_URL;
  const res = await serviceFetch(`${base}/v1/payment-methods`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ card: SUCCESS_CARD }),
    signal: AbortSignal.timeout(3_000),
  });
  if (!res.ok) throw new Error(`payment simulator answered ${res.status} to tokenization`);
  return z.object({ id: z.string() }).parse(await res.json()).id;
}

export async function createCheckoutProbe(): Promise<{
  probe: TrafficProbe;
  close: () => Promise<void>;
}> {
  const [userId, product, paymentMethodId] = await Promise.all([
    drillShopper(),
    bestStockedProduct(),
    paymentMethod(),
  ]);
  const redis = createRedis({ maxRetriesPerRequest: null, connectionName: "drill-traffic" });
  const queue = createSagaQueue(redis);
  const enqueue = queueEnqueuer(queue);
  return {
    probe: async () => {
      await startCheckout(
        {
          idempotencyKey: `drill-${randomUUID()}`,
          userId,
          items: [{ vendorId: product.vendorId, productId: product.productId, quantity: 1 }],
          paymentMethodId,
        },
        enqueue,
      );
    },
    close: async () => {
      await queue.close();
      redis.disconnect();
    },
  };
}
