import { expect, test } from "./support/fixtures.ts";
import { portalUrl, vendorAt } from "./support/portal.ts";
import { appOrigins, appUrl, signInAtProvider } from "./support/sign-in.ts";

/**
 * One sign-in at Agora's identity provider serves every app: a vendor owner signs in on the
 * storefront (the password is typed once, at the provider), then opens the vendor portal and is
 * already signed in there, with the portal's own session (RBAC and tenant from the ID token).
 * Signing out of the portal ends the owner's sessions everywhere, the provider's included: the
 * storefront shows them signed out and the next sign-in asks for the password again.
 */
test("one sign-in at the provider opens the storefront and then the vendor portal; signing out ends both", async ({
  page,
}) => {
  const vendor = await vendorAt(2);
  const passwordPosts: string[] = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && /\/interaction\/[^/]+\/login$/.test(r.url()))
      passwordPosts.push(r.url());
  });

  await page.goto(appUrl("storefront", "/signin?callbackUrl=%2F"));
  await signInAtProvider(page, vendor.owner);
  const shopMenu = page.getByTestId("user-menu");
  await expect(shopMenu).toBeVisible({ timeout: 30_000 });
  await expect(shopMenu).toContainText("Owner");
  expect(passwordPosts).toHaveLength(1);

  // The portal: straight to the page asked for, no password.
  await page.goto(portalUrl("/orders"));
  await expect(page).toHaveURL(portalUrl("/orders"), { timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Orders" })).toBeVisible();
  await expect(page.getByTestId("user-menu")).toContainText("Owner");
  expect(passwordPosts).toHaveLength(1);

  // Sign out in the portal: its sign-in page goes to the provider, which now wants the password.
  await page.getByTestId("user-menu").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL((u) => u.href.startsWith(appOrigins().identity), {
    timeout: 30_000,
  });
  await expect(page.getByLabel("Password")).toBeVisible();

  // And the storefront session is over too.
  await page.goto(appUrl("storefront", "/"));
  await expect(page.getByTestId("user-menu")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
});
