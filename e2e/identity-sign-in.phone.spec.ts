import { expect, test } from "@playwright/test";
import { appUrl, DEMO_PASSWORD, signInAtProvider } from "./support/sign-in.ts";

/**
 * Agora's sign-in page (the identity provider's) on a phone: the product's look, no sideways
 * scrolling, a wrong password said in words on the page, then the shopper signed in and back in
 * the shop.
 */
test("the provider's sign-in page fits a phone, says what went wrong, and signs the shopper in", async ({
  page,
}) => {
  await page.goto(appUrl("storefront", "/signin?callbackUrl=%2Fcart"));
  await signInAtProvider(page, "shopper@agora.local", "not the password");
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  // The shared theme's primary button, not an unstyled form.
  const button = page.getByRole("button", { name: "Sign in" });
  expect((await button.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  expect(await button.evaluate((b) => getComputedStyle(b).color)).toBe("rgb(255, 255, 255)");

  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(appUrl("storefront", "/cart"), { timeout: 30_000 });
});
