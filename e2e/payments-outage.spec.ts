import { expect, test } from "@playwright/test";
import { applyNodeAction } from "../infra/local/src/chaos/node-faults.ts";
import { topology } from "../infra/local/src/topology.ts";
import {
  addToCart,
  CARDS,
  checkout,
  expectConfirmed,
  ordersOf,
  pickProducts,
  setStock,
  signUp,
  uniqueEmail,
} from "./support/shop.ts";

test("with the payment provider down checkout refuses clearly and leaves nothing stuck; once it is back, checkout works", async ({
  page,
}) => {
  const t = topology("test");
  const [p] = await pickProducts(3);
  await setStock(p!, 10);
  const email = uniqueEmail("outage");
  await signUp(page, email);
  await addToCart(page, p!);

  await applyNodeAction(t, "payment-sim", "kill");
  try {
    await checkout(page, CARDS.success);
    await expect(page.getByTestId("checkout-error")).toContainText(
      /payment provider|Payments are unavailable/i,
      {
        timeout: 30_000,
      },
    );
    await expect(page.getByTestId("checkout-error")).toContainText(/Nothing was charged/);
    await expect(page).toHaveURL(/\/checkout$/);
  } finally {
    await applyNodeAction(t, "payment-sim", "restart");
  }
  // Nothing stuck: no order was created, or any that was has ended FAILED.
  for (const o of await ordersOf(email)) expect(o.status).toBe("FAILED");

  // Back up: the same page, the same cart, one more click.
  await page.getByRole("button", { name: "Place order" }).click();
  await expectConfirmed(page);
});
