import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures.ts";
import sharp from "sharp";
import {
  csvLine,
  PRODUCT_CSV_COLUMNS,
} from "../packages/api/src/vendor/imports/import-contract.ts";
import {
  cdnOrigin,
  portalUrl,
  signInToPortal,
  vendorAt,
  warehouseCodes,
  type PortalVendor,
} from "./support/portal.ts";
import {
  addToCart,
  CARDS,
  checkout,
  expectConfirmed,
  type PickedProduct,
  signUp,
  uniqueEmail,
} from "./support/shop.ts";

/**
 * The vendor journey: an owner creates a product (two sizes, an image, stock in both warehouses)
 * and a shopper buys it; the owner ships and the shopper watches the parcel move. Staff are kept
 * out of settings, and a 10,000-row CSV import reports its progress to the end. The product is
 * the spec's own (created here), so no seeded catalogue slot is touched; the import goes to a
 * second vendor, as drafts, so neither the storefront nor the first vendor's lists change.
 */

/** Units per warehouse (in code order) for each size; the storefront shows their sums. */
const STOCK = { S: [3, 4], M: [5, 6] } as const;
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** A 400×300 PNG (the portal accepts images from 200×150 px). */
function productPng(): Promise<Buffer> {
  return sharp({
    create: { width: 400, height: 300, channels: 3, background: { r: 32, g: 120, b: 200 } },
  })
    .png()
    .toBuffer();
}

/** Loads further pages of the open warehouse's stock until the line of `variantSku` shows. */
async function showLine(portal: Page, variantSku: string): Promise<void> {
  const more = portal.getByRole("button", { name: "Load more" });
  await expect(async () => {
    if (await more.isVisible()) await more.click();
    await expect(portal.getByRole("row").filter({ hasText: variantSku })).toBeVisible({
      timeout: 2_000,
    });
  }).toPass({ timeout: 60_000 });
}

/** Sets one stock line of the open warehouse (the line of `variantSku`) to `units`. */
async function restock(portal: Page, variantSku: string, units: number): Promise<void> {
  const row = portal.getByRole("row").filter({ hasText: variantSku });
  await row.getByRole("button", { name: "Change" }).click();
  await row.getByLabel("Quantity (negative to remove)").fill(String(units));
  await row.getByLabel("Action").selectOption("restock");
  await row.getByRole("button", { name: "OK" }).click();
  await expect(row.getByRole("cell").nth(1)).toHaveText(String(units));
}

test.describe.serial("an owner's product, from the portal to a shopper's parcel", () => {
  let vendor: PortalVendor;
  let product: PickedProduct;

  test.beforeAll(async () => {
    vendor = await vendorAt(0);
  });

  test("the owner creates a product with two sizes and an image, stocks both warehouses, and the storefront shows it", async ({
    page,
  }) => {
    // Create, upload, four stock changes and the read model catching up: slow on 2 busy cores.
    test.setTimeout(240_000);
    const tag = Date.now().toString(36).toUpperCase();
    const title = `Journey Tee ${tag}`;
    const sku = (size?: string) => `JT-${tag}${size ? `-${size}` : ""}`;

    await signInToPortal(page, vendor.owner, "/products/new");
    await page.getByLabel("Title", { exact: true }).fill(title);
    await page.getByLabel("SKU", { exact: true }).fill(sku());
    await page.getByLabel("Price (EUR)").fill("19.90");
    await page.getByLabel("Category").selectOption({ label: "Apparel" });
    await page.getByRole("button", { name: "Add variant" }).click();
    await page.getByRole("button", { name: "Add variant" }).click();
    for (const [i, size] of (["S", "M"] as const).entries()) {
      await page.getByLabel("Variant SKU").nth(i).fill(sku(size));
      await page.getByLabel("Variant title").nth(i).fill(`Size ${size}`);
      await page.getByLabel("Size", { exact: true }).nth(i).fill(size);
    }
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page).toHaveURL(/\/products\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    await expect(page.getByRole("heading", { name: "Edit product" })).toBeVisible();
    const productId = page.url().split("/").at(-1) ?? "";
    product = { productId, vendorId: vendor.id, title };

    // The image: uploaded, resized on the server, and its thumbnail loads from the CDN.
    await page.getByLabel("Upload images").setInputFiles({
      name: "journey-tee.png",
      mimeType: "image/png",
      buffer: await productPng(),
    });
    const thumb = page.getByRole("img", { name: "Image 1" });
    await expect(thumb).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText("Primary", { exact: true })).toBeVisible();
    expect(await thumb.getAttribute("src")).toMatch(new RegExp(`^${cdnOrigin()}/`));
    await expect
      .poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);

    // Stock per size in each of the vendor's two warehouses.
    await page.goto(portalUrl("/stock"));
    await expect(page.getByRole("heading", { name: "Stock" })).toBeVisible();
    const warehouse = page.getByLabel("Warehouse", { exact: true });
    await expect(warehouse.locator("option")).toHaveCount(2);
    for (const w of [0, 1] as const) {
      await warehouse.selectOption({ index: w });
      await showLine(page, sku("M"));
      await restock(page, sku("S"), STOCK.S[w]);
      await restock(page, sku("M"), STOCK.M[w]);
    }

    // The storefront (behind the gateway) once the catalogue's read model has the product.
    await expect(async () => {
      await page.goto(`/p/${productId}`);
      await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible({
        timeout: 3_000,
      });
    }).toPass({ timeout: 90_000 });
    const picker = page.getByRole("radiogroup", { name: "Variant" });
    await expect(picker.getByRole("radio")).toHaveCount(2);
    for (const size of ["S", "M"] as const) {
      await expect(
        picker.getByRole("radio", { name: new RegExp(`^${size}`) }).getByTestId("variant-stock"),
      ).toHaveText(`${sum(STOCK[size])} left`, { timeout: 30_000 });
    }
    const image = page.getByRole("img", { name: title });
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    const served = await image.evaluate((img: HTMLImageElement) => img.currentSrc);
    expect(served).toMatch(new RegExp(`^${cdnOrigin()}/`));
    const edge = await page.request.get(served);
    expect(edge.status()).toBe(200);
    expect(edge.headers()["x-cache"]).toBeDefined();
  });

  test("a shopper's purchase appears live in the vendor's orders; the owner ships and the shopper sees the parcel move", async ({
    newPage,
  }) => {
    // Checkout, the outbox to the vendor's orders, three fulfilment steps and the carrier's webhooks.
    test.setTimeout(300_000);
    const portal = await newPage();
    await signInToPortal(portal, vendor.owner, "/orders");
    await expect(portal.getByRole("heading", { name: "Orders" })).toBeVisible();
    let portalReloaded = false;
    portal.on("load", () => {
      portalReloaded = true;
    });

    const shopper = await newPage();
    await addToCart(shopper, product);
    await signUp(shopper, uniqueEmail("vendor-journey"), "/cart");
    await shopper.getByRole("link", { name: "Checkout" }).click();
    await checkout(shopper, CARDS.success);
    const orderId = await expectConfirmed(shopper);
    let shopperReloaded = false;
    shopper.on("load", () => {
      shopperReloaded = true;
    });

    // The orders page polls: the paid parcel shows up as New without a reload.
    const link = portal.getByRole("link", { name: orderId.slice(0, 8), exact: true });
    await expect(link).toBeVisible({ timeout: 90_000 });
    await expect(portal.getByRole("row").filter({ has: link })).toContainText("New");
    expect(portalReloaded).toBe(false);

    await link.click();
    await expect(
      portal.getByRole("heading", { name: `Order ${orderId.slice(0, 8)}` }),
    ).toBeVisible();
    await portal.getByRole("button", { name: "Accept" }).click();
    await expect(portal.getByText("Accepted", { exact: true })).toBeVisible({ timeout: 30_000 });
    await portal.getByRole("button", { name: "Mark packed" }).click();
    await expect(portal.getByText("Packed", { exact: true })).toBeVisible({ timeout: 30_000 });
    await portal.getByRole("button", { name: "Ship" }).click();
    // The carrier simulator moves on quickly: shipped, or already delivered by the next poll.
    await expect(portal.getByText(/^(Shipped|Delivered)$/)).toBeVisible({ timeout: 60_000 });
    const trackingCell = portal
      .locator("dt", { hasText: "Tracking" })
      .locator("xpath=following-sibling::dd[1]");
    await expect(trackingCell).not.toHaveText("—");
    const tracking = (await trackingCell.textContent())?.trim() ?? "";
    expect(tracking).not.toBe("");

    // The shopper's order page, still open since checkout, follows over the live push.
    await expect(shopper.getByTestId("parcel-status")).toHaveText(/SHIPPED|DELIVERED/, {
      timeout: 60_000,
    });
    await expect(shopper.getByText(`tracking ${tracking}`)).toBeVisible();
    // At least one carrier update past the label: picked up, in transit, … delivered.
    await expect(
      shopper.getByText(/^(picked up|in transit|out for delivery|delivered)$/),
    ).toBeVisible({ timeout: 60_000 });
    await expect(shopper.getByTestId("milestone-SHIPPED")).toHaveAttribute("data-done", "true");
    expect(shopperReloaded).toBe(false);
  });
});

test("staff cannot open the owner's settings: the portal answers 403", async ({ newPage }) => {
  const vendor = await vendorAt(0);
  const staff = await newPage();
  await signInToPortal(staff, vendor.staff, "/orders");
  await expect(staff.getByRole("heading", { name: "Orders" })).toBeVisible();
  const res = await staff.goto(portalUrl("/settings"));
  expect(res?.status()).toBe(403);
  await expect(staff.getByText("403 — not for your role")).toBeVisible();
  await expect(staff.getByRole("heading", { name: "Settings" })).toHaveCount(0);

  // The owner of the same shop opens it.
  const owner = await newPage();
  await signInToPortal(owner, vendor.owner, "/settings");
  await expect(owner.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(owner.getByText(vendor.slug, { exact: true })).toBeVisible();
});

test("a 10,000-row CSV import shows its progress moving up to 100 % and done", async ({ page }) => {
  // 10,000 rows in shard transactions of 500 plus the events they announce.
  test.setTimeout(420_000);
  const vendor = await vendorAt(1);
  const [first, second] = await warehouseCodes(vendor.id);
  expect(second).toBeDefined();
  const tag = Date.now().toString(36).toUpperCase();
  const fileName = `catalogue-${tag}.csv`;
  // 5,000 products, one line per product and warehouse; drafts stay out of the storefront.
  const lines = [csvLine(PRODUCT_CSV_COLUMNS)];
  for (let i = 0; i < 10_000; i++) {
    const n = Math.floor(i / 2);
    lines.push(
      csvLine([
        `IMP-${tag}-${n}`,
        `Imported blanket ${n}`,
        "Wool, 150×200 cm",
        "garden",
        "24.50",
        "EUR",
        "draft",
        i % 2 === 0 ? first : second,
        i % 50,
        "",
      ]),
    );
  }

  await signInToPortal(page, vendor.owner, "/imports");
  await page.getByLabel("CSV file").setInputFiles({
    name: fileName,
    mimeType: "text/csv",
    buffer: Buffer.from(`${lines.join("\n")}\n`),
  });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByText("Upload accepted.")).toBeVisible({ timeout: 60_000 });

  const job = page.getByRole("listitem").filter({ hasText: fileName });
  const bar = job.getByRole("progressbar", { name: `Progress of ${fileName}` });
  await expect(bar).toBeVisible();
  const seen: number[] = [];
  await expect
    .poll(
      async () => {
        const now = Number(await bar.getAttribute("aria-valuenow"));
        if (seen.at(-1) !== now) seen.push(now);
        return now;
      },
      { timeout: 360_000, intervals: [250] },
    )
    .toBe(100);
  // It moved: seen part-way, and never went back.
  expect(
    seen.some((p) => p > 0 && p < 100),
    `progress seen: ${seen.join(", ")}`,
  ).toBe(true);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  await expect(job.getByText("done", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(job).toContainText("10,000 / 10,000 rows · 100%");
  await expect(job.getByRole("link", { name: /with errors/ })).toHaveCount(0);

  // Every imported line is reachable on the stock page, 200 lines at a time.
  await page.goto(portalUrl("/stock"));
  const stockRows = page.getByRole("table").getByRole("row");
  await expect(stockRows).toHaveCount(201); // the header and the first 200 lines
  await page.getByRole("button", { name: "Load more" }).click();
  await expect(stockRows).toHaveCount(401);
});
