import { expect, test } from "./support/fixtures.ts";
import {
  addToCart,
  CARDS,
  checkout,
  expectConfirmed,
  openProduct,
  pickProducts,
  setStock,
  signUp,
  uniqueEmail,
} from "./support/shop.ts";

test("when one shopper buys the last unit, another shopper on the same page sees Out of stock without reloading", async ({
  newPage,
}) => {
  const [p] = await pickProducts(2);
  await setStock(p!, 1);
  const buyer = await newPage();
  const watcher = await newPage();

  await signUp(buyer, uniqueEmail("last-unit"));
  await openProduct(watcher, p!);
  await expect(watcher.getByTestId("stock")).toHaveText("1 in stock");

  await addToCart(buyer, p!);
  await checkout(buyer, CARDS.success);
  await expectConfirmed(buyer);

  // No reload: the watcher's page changed because the gateway pushed the stock change.
  let reloaded = false;
  watcher.on("load", () => {
    reloaded = true;
  });
  await expect(watcher.getByTestId("stock")).toHaveText("Out of stock", { timeout: 30_000 });
  await expect(watcher.getByRole("button", { name: "Add to cart" })).toBeDisabled();
  expect(reloaded).toBe(false);
});
