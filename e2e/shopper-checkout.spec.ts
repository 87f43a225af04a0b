import { expect, test } from "@playwright/test";
import {
  addToCart,
  CARDS,
  checkout,
  expectConfirmed,
  pickProducts,
  setStock,
  signUp,
  uniqueEmail,
} from "./support/shop.ts";

test("a guest finds products despite a typo, fills a two-vendor cart, signs up, keeps the cart and watches the order confirm live", async ({
  page,
}) => {
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));
  const [a, b] = await pickProducts(0, 2);
  await setStock(a!, 20);
  await setStock(b!, 20);

  // Search with a letter missing from the longest title word: trigram search still finds products.
  const word = [...a!.title.split(/\s+/)].sort((x, y) => y.length - x.length)[0] ?? a!.title;
  const typo = `${word.slice(0, 2)}${word.slice(3)}`;
  await page.goto(`/search?q=${encodeURIComponent(typo)}`);
  await expect(page.locator('a[href^="/p/"]').first()).toBeVisible();

  await addToCart(page, a!);
  await addToCart(page, b!, 2);
  await page.goto("/cart");
  await expect(page.getByTestId("cart-group")).toHaveCount(2);
  await expect(page.getByTestId("cart-count").first()).toHaveText("3");

  // Signing up signs in; the guest cart merges into the account's cart.
  await signUp(page, uniqueEmail("journey"), "/cart");
  await expect(page.getByTestId("cart-group")).toHaveCount(2);
  await expect(page.getByTestId("cart-item")).toHaveCount(2);

  await page.getByRole("link", { name: "Checkout" }).click();
  await expect(page.getByRole("radiogroup")).toHaveCount(2);
  await checkout(page, CARDS.success);
  await expectConfirmed(page);
  // The live updates came over the page's own origin, encrypted as the page is (wss on HTTPS).
  const origin = new URL(page.url());
  const live = sockets.map((u) => new URL(u)).filter((u) => u.pathname.startsWith("/socket.io/"));
  expect(live.map((u) => `${u.protocol}//${u.host}`)).toContain(
    `${origin.protocol === "https:" ? "wss:" : "ws:"}//${origin.host}`,
  );

  await page.goto("/account");
  await expect(
    page.getByRole("link", { name: /CONFIRMED|CAPTURED|READY_FOR_FULFILMENT/ }),
  ).toHaveCount(1);
});
