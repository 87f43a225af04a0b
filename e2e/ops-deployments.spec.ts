/**
 * The Deployments page as an operator drives it: a canary's steps with the current one marked,
 * the new version's share of traffic, Promote past a pause that waits for a person, then Abort —
 * all weight back on the stable release, the canary instance drained and stopped. Releases are
 * an admin's (ops:deploy): the demo operator gets neither the page nor its API.
 *
 * The rollout controller is the real one (the `deploy` CLI's), on the local platform against this
 * topology's registry and HAProxy, started from the spec so its steps can include pauses for a
 * person; its canary is the rollout tests' storefront stand-in (registers in the registry, serves
 * tRPC metrics) instead of a second Next build. The console only reads the controller's state file
 * and writes its request file, exactly as with `npm run deploy`.
 */
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";
import { RolloutController } from "../infra/local/src/rollout/controller.ts";
import { localPlatform } from "../infra/local/src/rollout/local-platform.ts";
import { readStableRelease } from "../infra/local/src/rollout/release-env.ts";
import {
  readTrafficSplit,
  releaseSpecSchema,
  requestRolloutAction,
  rolloutStateFile,
  trafficSplitFile,
} from "../infra/local/src/rollout/rollout-state.ts";
import { REPO_ROOT, topology } from "../infra/local/src/topology.ts";
import { expect, test } from "./support/fixtures.ts";
import { signInToOps } from "./support/ops-sign-in.ts";

const STAND_IN = fileURLToPath(new URL("../infra/local/src/rollout/testing/release-stand-in.ts", import.meta.url));

test("an admin promotes a canary past its pause and aborts it: traffic back on stable; an operator may not release", async ({
  page,
  newPage,
}) => {
  test.setTimeout(60_000);
  const t = topology("test");
  const ops = `http://${t.host}:${t.apps.opsConsole}`;
  const hadState = existsSync(rolloutStateFile(t.stateDir));
  const hadSplit = existsSync(trafficSplitFile(t.stateDir));

  const operator = await newPage();
  await signInToOps(operator, "/deployments");
  await expect(operator.getByRole("alert").filter({ hasText: "ops:deploy" })).toBeVisible();
  await expect(operator.getByRole("button", { name: "Promote" })).toHaveCount(0);
  expect((await operator.request.get(`${ops}/api/trpc/ops.deployments.overview`)).status()).toBe(403);

  const stableVersion = readTrafficSplit(t.stateDir)?.stableVersion ?? readStableRelease(t)?.version ?? "dev";
  const next = `e2e-${randomBytes(3).toString("hex")}`;
  const platform = localPlatform(t, {
    stableInstances: [],
    readyTimeoutMs: 30_000,
    log: () => {
      // The page is what this spec reads.
    },
    instanceSpec: async (name, port, env) => ({
      name,
      kind: "app",
      command: process.execPath,
      args: ["--import", "tsx", STAND_IN],
      cwd: REPO_ROOT,
      logFile: join(t.logDir, `${name}.log`),
      port,
      match: STAND_IN,
      env: { HOST: t.host, PORT: String(port), AGORA_SERVICE_NAME: name, ...env },
    }),
  });
  const controller = new RolloutController(platform, {
    strategy: "canary",
    stable: readStableRelease(t) ?? releaseSpecSchema.parse({ version: stableVersion }),
    next: releaseSpecSchema.parse({ version: next }),
    steps: [
      { kind: "setWeight", weight: 10 },
      { kind: "pause" },
      { kind: "setWeight", weight: 50 },
      { kind: "pause" },
      { kind: "setWeight", weight: 100 },
    ],
    pauseTimeoutMs: 55_000,
    pollMs: 200,
  });
  const run = controller.run();
  try {
    await signInToOps(page, "/deployments", "admin@agora.local");
    await expect(page.getByRole("heading", { name: "Deployments" })).toBeVisible({ timeout: 30_000 });
    const steps = page.locator("li").filter({ hasText: /^\d+\. / });
    const traffic = page.locator("dl > div").filter({ hasText: "New version's traffic" }).locator("dd").first();

    // The canary has started and waits at 10 % for a person.
    await expect(page.getByRole("status").filter({ hasText: "paused until promoted" })).toBeVisible({ timeout: 30_000 });
    await expect(page.locator("dl > div").filter({ hasText: "Release" })).toContainText(`${stableVersion} → ${next}`);
    await expect(steps.nth(0)).toHaveText("1. set weight 10 %");
    await expect(steps.nth(1)).toHaveText("2. pause until promoted ← now");
    await expect(traffic).toHaveText("10 %");

    await page.getByRole("button", { name: "Promote" }).click();
    await expect(steps.nth(3)).toHaveText("4. pause until promoted ← now");
    await expect(traffic).toHaveText("50 %");

    await page.getByRole("button", { name: "Abort" }).click();
    await expect(page.getByRole("status").filter({ hasText: `rolled back: ${next} aborted by operator` })).toBeVisible({ timeout: 30_000 });
    await expect(page.locator("dl > div").filter({ hasText: "Phase" })).toContainText("Degraded");
    await expect(traffic).toHaveText("0 %");
    await expect(page.getByText("storefront-101 drained and stopped")).toBeVisible();
    // A finished rollout takes no more requests: the controls are gone, a new release can start.
    await expect(page.getByRole("button", { name: "Promote" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Deploy" })).toBeVisible();
  } finally {
    if (!controller.state.finishedAt) requestRolloutAction(t.stateDir, controller.state.id, "abort", "e2e cleanup");
    await run.catch((err: unknown) => void err);
    platform.close();
    if (!hadState) rmSync(rolloutStateFile(t.stateDir), { force: true });
    if (!hadSplit) rmSync(trafficSplitFile(t.stateDir), { force: true });
  }
});
