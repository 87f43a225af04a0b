import { defineConfig, devices } from "@playwright/test";
import { storefrontUrl, topology } from "./infra/local/src/topology.ts";

// The browser sees the product as `npm start` serves it: HTTPS at the edge, the plain ports only
// redirecting (the test profile's default keeps them serving for the integration suite's clients).
process.env.AGORA_EDGE_PLAIN_HTTP ??= "redirect";
const t = topology("test");
const chromium = {
  executablePath: process.env.AGORA_CHROMIUM ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

/**
 * End-to-end journeys in Debian's Chromium against the real `test` topology and the built apps
 * (two storefront instances behind the HAProxy gateway). One worker: the specs share servers
 * and some of them kill processes.
 */
export default defineConfig({
  testDir: "e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./e2e/setup/global-setup.ts",
  timeout: 90_000,
  expect: { timeout: 10_000 },
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: [["list"]],
  use: {
    // The storefront's public URL as the topology gives it (HTTPS where the plain port only
    // redirects); the edge certificate is the state folder's CA's, which Chromium does not know.
    baseURL: storefrontUrl(t),
    ignoreHTTPSErrors: true,
    launchOptions: chromium,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "laptop", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, launchOptions: chromium } },
    { name: "phone", use: { ...devices["Pixel 7"], launchOptions: chromium }, testMatch: "**/*.phone.spec.ts" },
  ],
});
