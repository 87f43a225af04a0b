import { expect, test } from "./support/fixtures.ts";
import { DEMO_PASSWORD, portalUrl, vendorAt } from "./support/portal.ts";

/**
 * The first page after signing in is drawn by the client router, in the same document as the
 * sign-in form: it must carry the portal's whole navigation then, not only after a reload.
 */
const NAVIGATION = [
  "Your shop",
  "Products",
  "Orders",
  "Stock",
  "Import",
  "Staff",
  "Notifications",
  "Payouts",
  "Audit log",
  "Settings",
];

test("a vendor owner sees the portal's whole navigation on the first page after signing in, without a reload", async ({ page }) => {
  const vendor = await vendorAt(0);
  await page.goto(portalUrl("/signin?callbackUrl=%2F"));
  // A marker on the sign-in document: still there afterwards means no page load happened in between.
  await page.evaluate(() => {
    (window as unknown as { signInDocument: boolean }).signInDocument = true;
  });
  await page.getByLabel("Email").fill(vendor.owner);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(portalUrl("/"), { timeout: 30_000 });

  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link")).toHaveText(NAVIGATION);
  await expect(nav.getByRole("link", { name: "Your shop" })).toHaveAttribute("aria-current", "page");
  expect(await page.evaluate(() => (window as unknown as { signInDocument?: boolean }).signInDocument)).toBe(true);

  // And on the next page too.
  await nav.getByRole("link", { name: "Stock" }).click();
  await expect(page).toHaveURL(portalUrl("/stock"));
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText(NAVIGATION);
});
