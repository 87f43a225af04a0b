/**
 * Shopper journey steps and test data for the storefront specs. Products are picked from the
 * seeded catalogue through the database (never hard-coded ids) and their stock is set on the
 * vendor's shard together with a StockChanged outbox row, as the vendor portal would.
 */
import { expect, type Page } from "@playwright/test";
import { emailIndex } from "@agora/secrets";
import { core, emitStockChanged, withTenant } from "../../packages/db/src/index.ts";

export const CARDS = {
  success: "4242424242424242",
  declined: "4000000000000002",
} as const;

export interface PickedProduct {
  productId: string;
  vendorId: string;
  title: string;
}

let configured = false;
/** The core database of the `test` topology (configured on first use). */
export function db() {
  if (!configured) {
    configured = true;
  }
  return core();
}

/**
 * `count` active products from distinct vendors. `slot` keeps specs apart: each spec takes
 * products from its own part of the catalogue, so one spec's purchases never change another's.
 */
export async function pickProducts(slot: number, count = 1): Promise<PickedProduct[]> {
  const rows = await db().primary.$queryRawUnsafe<
    { product_id: string; vendor_id: string; title: string }[]
  >(
    `SELECT product_id::text, vendor_id::text, title FROM catalog_search
     WHERE status = 'active' ORDER BY product_id OFFSET $1 LIMIT 80`,
    slot * 80,
  );
  const out: PickedProduct[] = [];
  for (const r of rows) {
    if (out.some((p) => p.vendorId === r.vendor_id)) continue;
    out.push({ productId: r.product_id, vendorId: r.vendor_id, title: r.title });
    if (out.length === count) return out;
  }
  throw new Error(`slot ${slot}: found ${out.length} of ${count} products from distinct vendors`);
}

/** Puts exactly `available` units in the product's first warehouse (the others emptied). */
export async function setStock(p: PickedProduct, available: number): Promise<void> {
  db();
  await withTenant(p.vendorId, async (tx) => {
    const rows = await tx.$queryRawUnsafe<{ warehouse_id: string }[]>(
      `SELECT warehouse_id::text FROM stock_levels WHERE vendor_id = $1::uuid AND product_id = $2::uuid
       ORDER BY warehouse_id LIMIT 1`,
      p.vendorId,
      p.productId,
    );
    const first = rows[0]?.warehouse_id;
    if (!first) throw new Error(`product ${p.productId} has no stock rows`);
    await tx.$executeRawUnsafe(
      `UPDATE stock_levels SET reserved = 0,
         on_hand = CASE WHEN warehouse_id = $3::uuid THEN $4::int ELSE 0 END
       WHERE vendor_id = $1::uuid AND product_id = $2::uuid`,
      p.vendorId,
      p.productId,
      first,
      available,
    );
    await emitStockChanged(tx, p.vendorId, p.productId);
  });
}

/** Orders of a shopper by email, newest first (status only); the address is sealed at rest. */
export async function ordersOf(email: string): Promise<{ id: string; status: string }[]> {
  return db().primary.$queryRawUnsafe(
    `SELECT o.id::text, o.status FROM orders o JOIN users u ON u.id = o.user_id
     WHERE u.email_index = $1 ORDER BY o.created_at DESC`,
    await emailIndex(email),
  );
}

export function uniqueEmail(tag: string): string {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}@shoppers.agora.local`;
}

/**
 * Creates an account from the storefront's /signup, which sends the browser to the identity
 * provider's "Create an account" form (same labels as the storefront's form had); the provider
 * signs the new account in and sends it back to `then`.
 */
export async function signUp(page: Page, email: string, then = "/"): Promise<void> {
  await page.goto(`/signup?callbackUrl=${encodeURIComponent(then)}`);
  await page.getByLabel("Name").fill("Journey Shopper");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill("journey-passphrase");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(new RegExp(`${then.replace(/[/?]/g, "\\$&")}$`), {
    timeout: 20_000,
  });
}

/** The product page with its live stock line, once the live gateway has answered. */
export async function openProduct(page: Page, p: PickedProduct): Promise<void> {
  await page.goto(`/p/${p.productId}`);
  await expect(page.getByTestId("live-state")).toHaveText("● live", { timeout: 20_000 });
}

export async function addToCart(page: Page, p: PickedProduct, quantity = 1): Promise<void> {
  await openProduct(page, p);
  await page.getByLabel("Quantity").fill(String(quantity));
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByRole("status")).toContainText("Added to your cart");
}

/** Fills the checkout (address, a test card) and places the order. */
export async function checkout(page: Page, card: string): Promise<void> {
  await fillCheckout(page, card);
  await page.getByRole("button", { name: "Place order" }).click();
}

/** On /checkout: fills the address and picks a test card, without placing the order. */
export async function fillCheckout(page: Page, card: string): Promise<void> {
  if (!page.url().endsWith("/checkout")) await page.goto("/checkout");
  await page.getByLabel("Full name").fill("Journey Shopper");
  await page.getByLabel("Street and number").fill("Hauptstrasse 1");
  await page.getByLabel("City").fill("Berlin");
  await page.getByLabel("Postal code").fill("10115");
  await page.getByLabel("Country (2 letters)").fill("DE");
  await page.getByRole("list", { name: "Test cards" }).getByRole("button", { name: card }).click();
}

/** On /orders/<id>: waits until the order is confirmed (pushed live; no reload). */
export async function expectConfirmed(page: Page): Promise<string> {
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(page.getByTestId("milestone-CONFIRMED")).toHaveAttribute("data-done", "true", {
    timeout: 60_000,
  });
  await expect(page.getByTestId("order-status")).toHaveText(
    /CONFIRMED|CAPTURED|READY_FOR_FULFILMENT/,
  );
  return page.url().split("/").at(-1) ?? "";
}
