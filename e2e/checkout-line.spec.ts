import { expect, test } from "@playwright/test";
import { admissionKeys } from "@agora/orders";
import { createRedis } from "@agora/redis";
import { addToCart, CARDS, checkout, expectConfirmed, ordersOf, pickProducts, setStock, signUp, uniqueEmail } from "./support/shop.ts";

test("while checkout is full the shopper waits in line, sees their place, and the order goes through by itself once a place frees", async ({
  page,
}) => {
  // Slot 4 is shared: its first two products are last-unit's and vendor-analytics', the third is this spec's.
  const [, , p] = await pickProducts(4, 3);
  await setStock(p!, 5);
  const email = uniqueEmail("line");
  await signUp(page, email, "/");
  await addToCart(page, p!);

  // Every permit taken, as by that many orders in flight (held here, given back below).
  const keys = admissionKeys();
  const redis = createRedis({ connectionName: "e2e-checkout-line" });
  const holds: string[] = [];
  try {
    const limit = Math.floor(Number((await redis.hget(keys.state, "limit")) ?? 16));
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    for (let i = 0; i < limit; i++) holds.push(`e2e-hold:${email}:${i}`);
    await redis.zadd(keys.inFlight, ...holds.flatMap((m) => [now, m]));

    await checkout(page, CARDS.success);
    const line = page.getByTestId("checkout-in-line");
    await expect(line).toContainText(/number 1 in line/);
    await expect(line).toContainText(/Nothing has been ordered or charged/);
    await expect(page.getByRole("button", { name: /Placing order/ })).toBeDisabled();
    // Still first in line after the page's retries (a fraction of a second apart at the head of
    // the line): nothing was written while the line held it.
    await page.waitForTimeout(2_000);
    await expect(line).toContainText(/number 1 in line/);
    expect(await ordersOf(email)).toEqual([]);
  } finally {
    if (holds.length > 0) await redis.zrem(keys.inFlight, ...holds);
    redis.disconnect();
  }

  // A place is free: the page's next retry (same idempotency key) is admitted — one order.
  await expectConfirmed(page);
  expect(await ordersOf(email)).toHaveLength(1);
});
