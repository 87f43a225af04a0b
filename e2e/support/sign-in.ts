/**
 * Signing in as people do: at Agora's identity provider. An app's /signin page sends the browser
 * there; the provider's form has the labels the apps' forms had ("Email", "Password", "Sign in")
 * and sends the browser back to the app, signed in. App addresses come from the local topology's
 * producer of every process's environment (never a hard-coded scheme or port).
 */
import { expect, type Page } from "@playwright/test";
import { processEnv } from "../../infra/local/src/env/index.ts";
import { topology } from "../../infra/local/src/topology.ts";

export const DEMO_PASSWORD = "agora-demo";

let env: Record<string, string> | undefined;
const testEnv = () => (env ??= processEnv(topology("test"), "test-runner"));

/** The public origins of the three apps and the provider's issuer, as the topology gives them. */
export function appOrigins() {
  const e = testEnv();
  return {
    storefront: e.AGORA_STOREFRONT_URL!,
    vendorPortal: e.AGORA_VENDOR_PORTAL_URL!,
    opsConsole: e.AGORA_OPS_CONSOLE_URL!,
    identity: e.AGORA_IDENTITY_ISSUER!,
  };
}

/** An absolute URL of one app (`path` from its root). */
export function appUrl(app: "storefront" | "vendorPortal" | "opsConsole", path = "/"): string {
  return new URL(path, appOrigins()[app]).href;
}

/** On the provider's sign-in page (reached from an app): types the credentials and submits. */
export async function signInAtProvider(
  page: Page,
  email: string,
  password = DEMO_PASSWORD,
): Promise<void> {
  await expect(page).toHaveURL((u) => u.href.startsWith(appOrigins().identity), {
    timeout: 30_000,
  });
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}
