import { expect, type Page } from "@playwright/test";
import { appUrl, signInAtProvider } from "./sign-in.ts";

/** Signs in to the ops console as the demo operator (or `email`) and lands on `path`. */
export async function signInToOps(
  page: Page,
  path = "/",
  email = "operator@agora.local",
): Promise<void> {
  await page.goto(appUrl("opsConsole", path));
  await signInAtProvider(page, email);
  await expect(page).toHaveURL(appUrl("opsConsole", path), { timeout: 30_000 });
}
