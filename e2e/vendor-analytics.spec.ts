import { expect, test } from "@playwright/test";
import { core } from "../packages/db/src/index.ts";
import {
  addToCart,
  CARDS,
  checkout,
  expectConfirmed,
  pickProducts,
  setStock,
  signUp,
  uniqueEmail,
} from "./support/shop.ts";
import { portalUrl } from "./support/portal.ts";
import { signInAtProvider } from "./support/sign-in.ts";

const euros = (cents: number) =>
  new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" }).format(cents / 100);

test("a shopper's view and purchase show up on the vendor's open dashboard by themselves (pushed, no reload), to the cent, on laptop and phone", async ({
  page,
  browser,
}) => {
  // A checkout, the outbox relay and the analytics pool in a row: more than the default 90 s on 2 busy cores.
  test.setTimeout(240_000);
  // The second product of slot 4: a product (and vendor) no other journey buys.
  const [, p] = await pickProducts(4, 2);
  await setStock(p!, 20);
  const [vendor] = await core().primary.$queryRawUnsafe<{ slug: string }[]>(
    `SELECT slug FROM vendors WHERE id = $1::uuid`,
    p!.vendorId,
  );

  // The vendor's dashboard is open before anything happens, and stays open.
  const portal = await browser.newPage();
  await portal.goto(portalUrl("/signin"));
  await signInAtProvider(portal, `owner@${vendor!.slug}.agora.local`);
  await expect(portal.getByRole("heading", { name: "Sales" })).toBeVisible({ timeout: 30_000 });
  await portal.goto(portalUrl("/?range=48h"));
  await expect(portal.getByRole("status").filter({ hasText: /^Live/ })).toBeVisible({ timeout: 30_000 });
  await portal.evaluate(() => {
    (window as unknown as { stayed?: boolean }).stayed = true;
  });

  // Viewing the product page is the view; buying from it is the sale.
  await addToCart(page, p!, 2);
  await signUp(page, uniqueEmail("analytics"), "/cart");
  await page.getByRole("link", { name: "Checkout" }).click();
  await checkout(page, CARDS.success);
  const orderId = await expectConfirmed(page);
  expect(orderId).not.toBe("");
  // Independently of the rollups: every captured order's lines and shipping of this vendor.
  const [sold] = await core().primary.$queryRawUnsafe<{ cents: bigint }[]>(
    `WITH captured AS (SELECT order_id FROM order_events WHERE type = 'PaymentCaptured'),
          placed AS (SELECT payload FROM order_events
                      WHERE type = 'OrderPlaced' AND order_id IN (SELECT order_id FROM captured))
     SELECT (SELECT coalesce(sum((i->>'quantity')::int * (i->>'unitPriceCents')::int), 0)
               FROM placed, jsonb_array_elements(payload->'items') i WHERE i->>'vendorId' = $1)
          + (SELECT coalesce(sum((s->>'priceCents')::int), 0)
               FROM placed, jsonb_array_elements(coalesce(payload->'shipping', '[]')) s
              WHERE s->>'vendorId' = $1) AS cents`,
    p!.vendorId,
  );
  const soldCents = Number(sold!.cents);
  expect(soldCents).toBeGreaterThan(0);

  // The stream counts the capture within seconds and pushes it to the open dashboard, which
  // re-renders itself: no reload (the marker set before the purchase is still there).
  const revenue = portal.locator("dt", { hasText: "Revenue" }).locator("..");
  await expect(revenue).toContainText(euros(soldCents), { timeout: 120_000 });
  await expect(portal.getByTestId("last-sale")).toBeVisible();
  expect(await portal.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
  // Views are not pushed (they are counted in batches from their stream): read them again.
  const conversion = portal.locator("dt", { hasText: "Conversion" }).locator("..");
  await expect(async () => {
    await portal.reload();
    await expect(conversion).toContainText(/[1-9]\d* product views?/, { timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await expect(portal.getByRole("img", { name: "Revenue (€), Refunds (€)" })).toBeVisible();
  await expect(portal.getByRole("img", { name: "Revenue (€), Units" })).toBeVisible();
  await expect(portal.getByRole("table", { name: "Stock health per product" })).toBeVisible();

  // Phone: the same dashboard stacks into one column without scrolling sideways.
  await portal.setViewportSize({ width: 390, height: 844 });
  await portal.reload();
  await expect(revenue).toContainText(euros(soldCents));
  const overflow = await portal.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});
