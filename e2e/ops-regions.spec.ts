/**
 * The Regions page in the normal one-region topology: it says the deployment runs one region and
 * how to start two, draws that region with everything in it, shows where each vendor lives (home
 * region eu, its shard, the shard's region — a vendor created here included), and lists region
 * drills from the drill store with their RTO and RPO. The partition controls are an admin's
 * (ops:regions): the demo operator is told so and the API refuses them (403); an admin's link
 * change is refused as well here, clearly (412: there is no link with one region).
 *
 * The region failover drill's controls follow the same rule (403 for the operator, 412 for an
 * admin with one region).
 *
 * The two-region parts (a real link cut from the page's API, the us copy's age) run in
 * tests/chaos/regions-home.chaos.test.ts against AGORA_REGIONS=2. The second journey below — the
 * region failover drill and its failback started from the page, watched while core is down — runs
 * only with AGORA_REGIONS=2 (a private topology: `AGORA_REGIONS=2 AGORA_BASE_PORT=… AGORA_STATE_DIR=…
 * npx playwright test e2e/ops-regions.spec.ts`); with it, the one-region journey is skipped.
 */
import { randomUUID } from "node:crypto";
import { closeAll, core, createVendor } from "@agora/db";
import { topology } from "../infra/local/src/topology.ts";
import { expect, test } from "./support/fixtures.ts";
import { signInToOps } from "./support/ops-sign-in.ts";

const twoRegions = process.env.AGORA_REGIONS === "2";

test.afterAll(async () => {
  await closeAll();
});

test("the Regions page shows one region, where each vendor lives and the region drills; only an admin may touch the link", async ({
  page,
  newPage,
}) => {
  test.skip(twoRegions, "the one-region journey");
  test.setTimeout(90_000);
  const t = topology("test");
  const ops = `http://${t.host}:${t.apps.opsConsole}`;
  const run = randomUUID().slice(0, 8);
  const vendor = await createVendor({ slug: `regions-e2e-${run}`, name: `Regions E2E ${run}` });
  expect(vendor.homeRegion).toBe("eu");
  // A region drill's row as its runner stores it (infra/local/src/drills/region-failover.ts
  // `insertDrillRun`): target `region-eu`, the report under `drill`, RPO under `drill.region`.
  const drillId = randomUUID();
  await core().primary.drillRun.create({
    data: {
      id: drillId,
      cluster: "region-eu",
      mode: "kill",
      status: "failed",
      report: { drill: { rto_ms: 14_300, lost_writes: 2, region: { lost: "eu", promoted: "us", rpo_writes: 2, rpo_window_ms: 900 } }, traffic: null, invariants: [] },
      startedAt: new Date(),
      finishedAt: new Date(),
    },
  });
  try {
    const operator = await newPage();
    await signInToOps(operator, "/regions");
    await expect(operator.getByRole("heading", { name: "Regions" })).toBeVisible({ timeout: 30_000 });
    await expect(operator.getByTestId("one-region")).toContainText("runs one region (eu)");
    await expect(operator.getByTestId("one-region")).toContainText("--regions 2");
    // Next.js keeps its own (empty) route announcer with role=alert on every page.
    await expect(operator.getByRole("alert").filter({ hasText: "ops:regions" })).toBeVisible();
    await expect(operator.getByRole("button", { name: "Cut the link" })).toHaveCount(0);
    const refused = await operator.request.post(`${ops}/api/trpc/ops.regions.setLink`, {
      data: { json: { mode: "cut" } },
      headers: { "content-type": "application/json" },
    });
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain('needs the \\"ops:regions\\" permission');
    const drillRefused = await operator.request.post(`${ops}/api/trpc/ops.regions.startFailover`, {
      data: { json: { region: "eu", confirm: true } },
      headers: { "content-type": "application/json" },
    });
    expect(drillRefused.status()).toBe(403);

    await signInToOps(page, "/regions", "admin@agora.local");
    await expect(page.getByRole("heading", { name: "Regions" })).toBeVisible({ timeout: 30_000 });
    // The map: one region, holding the core primary, both shards and the worker pools.
    await expect(page.getByRole("img", { name: "One region: eu" })).toBeVisible();
    await expect(page.getByTestId("region-eu")).toContainText("core primary");
    await expect(page.getByTestId("region-eu")).toContainText("shards: shard-1, shard-2");
    await expect(page.getByTestId("region-link")).toHaveCount(0);

    const tenant = page.getByRole("table", { name: "Where each tenant lives" }).getByRole("row").filter({ hasText: `Regions E2E ${run}` });
    await expect(tenant).toContainText("eu");
    await expect(tenant).toContainText(vendor.shard);
    await expect(tenant).toContainText("in its home region");

    const drill = page.getByRole("table", { name: "Region drills" }).getByRole("row").filter({ hasText: "eu (kill)" }).first();
    await expect(drill).toContainText("14.3 s");
    await expect(drill).toContainText("2");
    await expect(drill).toContainText("0.9 s");

    // An admin has the controls' permission, but with one region there is no link: said plainly.
    await expect(page.getByText("One region: no link to change.")).toBeVisible();
    const noLink = await page.request.post(`${ops}/api/trpc/ops.regions.setLink`, {
      data: { json: { mode: "cut" } },
      headers: { "content-type": "application/json" },
    });
    expect(noLink.status()).toBe(412);
    expect(await noLink.text()).toContain("runs one region");
    // No other region to fail over to: no drill controls, and the API says why.
    await expect(page.getByTestId("region-drill")).toHaveCount(0);
    const noDrill = await page.request.post(`${ops}/api/trpc/ops.regions.startFailover`, {
      data: { json: { region: "eu", confirm: true } },
      headers: { "content-type": "application/json" },
    });
    expect(noDrill.status()).toBe(412);
    expect(await noDrill.text()).toContain("runs one region");
    const unconfirmed = await page.request.post(`${ops}/api/trpc/ops.regions.startFailover`, {
      data: { json: { region: "eu" } },
      headers: { "content-type": "application/json" },
    });
    expect(unconfirmed.status()).toBe(400);
  } finally {
    await core().primary.drillRun.delete({ where: { id: drillId } });
  }
});

test("with two regions an admin runs the region failover drill and its failback from the Regions page, watching it while core is down", async ({
  page,
}) => {
  test.skip(!twoRegions, "needs AGORA_REGIONS=2 (a private two-region topology)");
  // The drill (~1 min) and the failback (a base backup over the link, ~1–2 min) on a shared box.
  test.setTimeout(10 * 60_000);
  const t = topology("test");
  const ops = `http://${t.host}:${t.apps.opsConsole}`;
  await signInToOps(page, "/regions", "admin@agora.local");
  const panel = page.getByTestId("region-drill");
  await expect(panel.getByTestId("core-holder")).toContainText("eu holds core's primary", { timeout: 30_000 });

  await panel.getByRole("button", { name: "Start region failover drill…" }).click();
  const ask = page.getByRole("dialog", { name: "Lose eu and promote the copy of core?" });
  await expect(ask).toContainText("SIGKILLed");
  await expect(ask).toContainText("run the failback");
  await ask.getByRole("button", { name: "Kill eu's core and promote" }).click();
  await expect(ask).toBeHidden();

  // A second start while it runs: CONFLICT.
  const again = await page.request.post(`${ops}/api/trpc/ops.regions.startFailover`, {
    data: { json: { region: "eu", confirm: true } },
    headers: { "content-type": "application/json" },
  });
  expect(again.status()).toBe(409);

  const phases = panel.getByTestId("region-failover-phases");
  // Live while core (the console's own database) is down: the loss, then us seeing it.
  await expect(phases.locator('[data-phase="detected"]')).toHaveAttribute("data-state", "done", { timeout: 120_000 });
  await expect(page.getByText("Tenants unavailable")).toBeVisible({ timeout: 30_000 });
  await expect(phases.locator('[data-phase="promoted"]')).toHaveAttribute("data-state", "done", { timeout: 120_000 });
  const report = panel.getByTestId("region-failover-report");
  await expect(report).toContainText("RTO", { timeout: 240_000 });
  await expect(phases.locator('[data-phase="done"]')).toHaveAttribute("data-state", "done");
  await expect(panel.getByTestId("core-holder")).toContainText("us holds core's primary", { timeout: 30_000 });
  const rto = await report.getByText("RTO").locator("..").textContent();

  // us holds core's primary: another failover is refused until the failback.
  const promoted = await page.request.post(`${ops}/api/trpc/ops.regions.startFailover`, {
    data: { json: { region: "eu", confirm: true } },
    headers: { "content-type": "application/json" },
  });
  expect(promoted.status()).toBe(409);

  await panel.getByRole("button", { name: "Fail back to eu…" }).click();
  const back = page.getByRole("dialog", { name: "Fail back to eu?" });
  await expect(back).toContainText("discarded");
  await back.getByRole("button", { name: "Fail back" }).click();
  const failback = panel.getByTestId("region-failback-phases");
  await expect(failback.locator('[data-phase="us-stopped"]')).toHaveAttribute("data-state", "done", { timeout: 120_000 });
  await expect(failback.locator('[data-phase="done"]')).toHaveAttribute("data-state", "done", { timeout: 360_000 });

  // Back to normal: eu holds core's primary, tenants are read again, the drill is in the history.
  await expect(panel.getByTestId("core-holder")).toContainText("eu holds core's primary", { timeout: 30_000 });
  await expect(page.getByRole("table", { name: "Where each tenant lives" })).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByRole("button", { name: "Start region failover drill…" })).toBeEnabled();
  const row = page.getByRole("table", { name: "Region drills" }).getByRole("row").filter({ hasText: "eu (kill)" }).first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  expect(rto).toMatch(/\d+\.\d s/);
});
