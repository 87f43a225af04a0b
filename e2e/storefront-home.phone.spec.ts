import { expect, test } from "@playwright/test";

test("the shop home fits a phone screen without sideways scrolling", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Shop independent vendors" })).toBeVisible();
  await expect(
    page
      .getByRole("region", { name: "Vendors" })
      .getByText("Northwind Outfitters", { exact: true }),
  ).toBeVisible();
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
});
