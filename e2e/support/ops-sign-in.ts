import { expect, type Page } from "@playwright/test";
import { topology } from "../../infra/local/src/topology.ts";

/** Signs in to the ops console as the demo operator (or `email`) and lands on `path`. */
export async function signInToOps(
  page: Page,
  path = "/",
  email = "operator@agora.local",
): Promise<void> {
  const t = topology("test");
  await page.goto(`http://${t.host}:${t.apps.opsConsole}${path}`);
  await expect(page).toHaveURL(/\/signin/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("agora-demo");
  await page.getByRole("button", { name: "Sign in" }).click();
}
