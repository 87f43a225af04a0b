import { expect, test } from "@playwright/test";
import { topology } from "../infra/local/src/topology.ts";

test("a shopper cannot open the ops console and its API answers 401 to anonymous callers", async ({
  page,
  request,
}) => {
  const t = topology("test");
  const ops = `http://${t.host}:${t.apps.opsConsole}`;
  const api = await request.get(`${ops}/api/trpc/ops.topology`);
  expect(api.status()).toBe(401);

  await page.goto(`${ops}/`);
  await page.getByLabel("Email").fill("shopper@agora.local");
  await page.getByLabel("Password").fill("agora-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Topology" })).toHaveCount(0);
  await expect(page).toHaveURL(/\/signin/);
});
