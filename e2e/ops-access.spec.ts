import { expect, test } from "@playwright/test";
import { appUrl, signInAtProvider } from "./support/sign-in.ts";

test("a shopper cannot open the ops console and its API answers 401 to anonymous callers", async ({
  page,
  request,
}) => {
  const api = await request.get(appUrl("opsConsole", "/api/trpc/ops.topology"));
  expect(api.status()).toBe(401);

  await page.goto(appUrl("opsConsole", "/"));
  await signInAtProvider(page, "shopper@agora.local");
  // Back at the console, signed in as someone it does not accept: it says so and waits.
  await expect(page).toHaveURL((u) => u.href.startsWith(appUrl("opsConsole", "/signin")), {
    timeout: 30_000,
  });
  await expect(page.getByText("which cannot open this page")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Topology" })).toHaveCount(0);
});
