import { expect, type Page, test } from "@playwright/test";
import { signInAtProvider } from "./support/sign-in.ts";

/** Product links of the result grid (tiles link to /p/<id>). */
async function resultIds(page: Page): Promise<string[]> {
  const hrefs = await page
    .getByRole("main")
    .locator('a[href^="/p/"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  return hrefs.map((h) => h.replace("/p/", ""));
}

test("a typo still finds the product, and suggestions appear while typing", async ({ page }) => {
  await page.goto("/search?q=hedphones");
  await expect(page.getByRole("heading", { name: /Results for/ })).toBeVisible();
  await expect(
    page
      .getByRole("main")
      .getByRole("link", { name: /Headphones/ })
      .first(),
  ).toBeVisible();

  await page.goto("/");
  await page
    .getByRole("searchbox", { name: "Search products" })
    .pressSequentially("headph", { delay: 50 });
  const suggestions = page.getByRole("list", { name: "Suggestions" });
  await expect(suggestions.getByRole("link", { name: /Headphones/ }).first()).toBeVisible();
});

test("a vendor facet narrows the results to that vendor", async ({ page }) => {
  await page.goto("/search?q=lamp");
  const filters = page.getByRole("complementary", { name: "Filters" });
  const vendorFacet = filters.getByRole("region", { name: "Vendor" }).getByRole("link").first();
  const vendorName = (await vendorFacet.locator("span").first().textContent()) ?? "";
  const count = Number(await vendorFacet.locator("span").nth(1).textContent());
  await vendorFacet.click();
  await expect(page).toHaveURL(/vendor=/);
  await expect(page.getByText(`${count.toLocaleString("en")} products`)).toBeVisible();
  const tiles = page.getByRole("main").locator('a[href^="/p/"]');
  await expect(tiles.first()).toBeVisible();
  for (const vendor of await tiles.locator("p").allTextContents()) expect(vendor).toBe(vendorName);
});

test("a category can be paged to the end and back without repeats", async ({ page }) => {
  await page.goto("/c/electronics?sort=price_asc");
  const total = Number(
    ((await page.getByText(/^[\d,]+ products$/).textContent()) ?? "0").replace(/\D/g, ""),
  );
  const seen: string[] = [];
  for (let pages = 0; pages < 50; pages++) {
    seen.push(...(await resultIds(page)));
    const next = page.getByRole("link", { name: "Next →" });
    if ((await next.count()) === 0) break;
    await next.click();
    await expect(page.getByRole("link", { name: "← Previous" })).toBeVisible();
  }
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBe(total);
  // Back one page from the end: the previous link returns the page before, not a shifted window.
  if (seen.length > 24) {
    await page.getByRole("link", { name: "← Previous" }).click();
    const back = await resultIds(page);
    const lastPageSize = seen.length % 24 || 24;
    expect(back).toEqual(seen.slice(seen.length - lastPageSize - 24, seen.length - lastPageSize));
  }
});

test("a signed-in shopper reviews a product and the page shows it with stars", async ({ page }) => {
  await page.goto("/signin");
  await signInAtProvider(page, "shopper2@agora.local");
  await expect(page.getByTestId("user-menu")).toBeVisible({ timeout: 30_000 });

  // A random product of the page, so reruns against the same data rarely meet their own review.
  await page.goto("/c/books?sort=price_desc");
  const tiles = page.getByRole("main").locator('a[href^="/p/"]');
  await expect(tiles.first()).toBeVisible();
  await tiles.nth(Math.floor(Math.random() * (await tiles.count()))).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Reviews" })).toBeVisible();
  await expect(page.getByTestId("stock")).toBeVisible();

  const title = `Solid read ${Date.now()}`;
  await page.getByRole("button", { name: "4 stars" }).click();
  await page.getByLabel("Title").fill(title);
  await page.getByLabel("Review", { exact: true }).fill("Arrived quickly and reads well.");
  await page.getByRole("button", { name: "Post review" }).click();
  const review = page.getByRole("listitem").filter({ hasText: title });
  await expect(review).toBeVisible();
  await expect(review.getByRole("img", { name: "4 out of 5 stars" })).toBeVisible();
});
