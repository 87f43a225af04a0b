import { expect, test } from "@playwright/test";
import {
  addToCart,
  CARDS,
  checkout,
  openProduct,
  pickProducts,
  setStock,
  signUp,
  uniqueEmail,
} from "./support/shop.ts";

test("a declined card says so clearly and the reserved stock comes back", async ({ page }) => {
  const [p] = await pickProducts(1);
  await setStock(p!, 7);
  await signUp(page, uniqueEmail("declined"));
  await openProduct(page, p!);
  await expect(page.getByTestId("stock")).toHaveText("7 in stock");

  await addToCart(page, p!, 2);
  await checkout(page, CARDS.declined);
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 30_000 });
  await expect(page.getByTestId("order-failure")).toHaveText(/card was declined/i, {
    timeout: 60_000,
  });
  await expect(page.getByTestId("order-status")).toHaveText("FAILED");

  // The two units reserved for the failed order are released: the product page shows 7 again.
  await openProduct(page, p!);
  await expect(page.getByTestId("stock")).toHaveText("7 in stock", { timeout: 20_000 });
});
