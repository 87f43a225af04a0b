import { expect, test } from "./support/fixtures.ts";
import { portalUrl, vendorAt } from "./support/portal.ts";
import { signInAtProvider } from "./support/sign-in.ts";

/**
 * The first page after signing in (the identity provider sends the browser back to it) must carry
 * the portal's whole navigation, and so must the next page.
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

test("a vendor owner sees the portal's whole navigation on the first page after signing in, and on the next", async ({ page }) => {
  const vendor = await vendorAt(0);
  await page.goto(portalUrl("/signin?callbackUrl=%2F"));
  await signInAtProvider(page, vendor.owner);
  await expect(page).toHaveURL(portalUrl("/"), { timeout: 30_000 });

  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link")).toHaveText(NAVIGATION);
  await expect(nav.getByRole("link", { name: "Your shop" })).toHaveAttribute("aria-current", "page");
  // And on the next page too.
  await nav.getByRole("link", { name: "Stock" }).click();
  await expect(page).toHaveURL(portalUrl("/stock"));
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText(NAVIGATION);
});
