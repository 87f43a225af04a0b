import { expect, test } from "./support/fixtures.ts";
import {
  addToCart,
  CARDS,
  expectConfirmed,
  fillCheckout,
  ordersOf,
  pickProducts,
  setStock,
  signUp,
  uniqueEmail,
} from "./support/shop.ts";
import { signInToOps } from "./support/ops-sign-in.ts";

test("an operator kills the payment provider from the chaos controls: the breaker opens on the Metrics page, checkout refuses clearly and leaves nothing stuck; one-click undo brings checkout back", async ({
  page,
  newPage,
}) => {
  test.setTimeout(240_000);
  const [p] = await pickProducts(3);
  await setStock(p!, 10);
  const email = uniqueEmail("outage");
  await signUp(page, email);
  await addToCart(page, p!);

  // The operator, in their own browser context, kills the simulator process from the console.
  const ops = await newPage();
  await signInToOps(ops, "/chaos");
  await expect(ops.getByRole("heading", { name: "Chaos controls" })).toBeVisible();
  const target = ops.getByTestId("target-payment-sim");
  await target.getByRole("button", { name: "Kill" }).click();
  await expect(target).toContainText("down", { timeout: 15_000 });
  const banner = ops.getByTestId("fault-banner");
  await expect(banner).toContainText("payment-sim killed");

  let undone = false;
  try {
    // The breaker learns of the outage without any shopper paying: the payment worker's probe
    // fails, the breaker opens, and the Metrics page shows it by name.
    const metrics = await newPage();
    await signInToOps(metrics, "/metrics");
    await expect(metrics.getByTestId("breaker-payment-provider").first()).toHaveAttribute(
      "data-state",
      "open",
      { timeout: 60_000 },
    );

    // The storefront degrades gracefully: checkout says payments are unavailable and will not
    // take the order, instead of letting the shopper type a card only to be refused.
    await fillCheckout(page, CARDS.success);
    await expect(page.getByTestId("payments-unavailable")).toContainText(
      /Nothing will be charged/,
      {
        timeout: 15_000,
      },
    );
    await expect(page.getByRole("button", { name: "Place order" })).toBeDisabled();
    await expect(page).toHaveURL(/\/checkout$/);
    // Nothing stuck: no order was created, or any that was has ended FAILED.
    for (const o of await ordersOf(email)) expect(o.status).toBe("FAILED");

    // One click in the banner restarts the simulator and clears the banner.
    await banner.getByRole("button", { name: "Undo" }).click();
    await expect(banner).toHaveCount(0, { timeout: 60_000 });
    await expect(target).toContainText("running", { timeout: 60_000 });
    undone = true;
    // The half-open probe finds the provider back: the breaker closes, checkout re-enables itself.
    await expect(metrics.getByTestId("breaker-payment-provider").first()).toHaveAttribute(
      "data-state",
      "closed",
      { timeout: 60_000 },
    );
    await expect(page.getByTestId("payments-unavailable")).toHaveCount(0, { timeout: 30_000 });
  } finally {
    if (!undone) {
      const { applyNodeAction } = await import("../infra/local/src/chaos/node-faults.ts");
      const { topology } = await import("../infra/local/src/topology.ts");
      await applyNodeAction(topology("test"), "payment-sim", "restart");
    }
  }

  // Back up: the same page, the same cart, one more click.
  await page.getByRole("button", { name: "Place order" }).click();
  await expectConfirmed(page);
});
