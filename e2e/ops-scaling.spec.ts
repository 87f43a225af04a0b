/**
 * The Scaling page as an operator sees it: instance counts per autoscaled target, the decisions
 * with the decision core's reasons, every live storefront instance the service registry lists
 * (with its scraped rate and p95), and the sale-spike button — a real bounded spike through the
 * gateway, then a second one refused while it runs. Only an admin (ops:scale) gets the page.
 *
 * The e2e topology runs no supervisor, so the autoscaler's record is written into the
 * supervisor's state file as its loop writes it (the shape AutoscalerState has); the loop itself
 * is covered by infra/local/src/autoscaler/autoscaler.int.test.ts. The instances, their metrics
 * and the spike are real.
 */
import { rmSync } from "node:fs";
import { runningSpike } from "../infra/local/src/autoscaler/spike-launcher.ts";
import type { AutoscalerState } from "../infra/local/src/autoscaler/autoscaler.ts";
import { readSupervisorState, supervisorStateFile, writeSupervisorState } from "../infra/local/src/supervisor/control.ts";
import { topology } from "../infra/local/src/topology.ts";
import { expect, test } from "./support/fixtures.ts";
import { signInToOps } from "./support/ops-sign-in.ts";

function autoscalerRecord(now: number): AutoscalerState {
  const at = (s: number) => new Date(now - s * 1000).toISOString();
  return {
    enabled: true,
    intervalMs: 15_000,
    updatedAt: at(0),
    targets: {
      storefront: {
        current: 2,
        desired: 3,
        min: 2,
        max: 4,
        instances: ["storefront-1", "storefront-2"],
        metrics: { cpuMillicores: 910, inFlightPerInstance: 14.5 },
        reason: "desired-within-range",
      },
      "workers-sagas": {
        current: 1,
        desired: 1,
        min: 1,
        max: 3,
        instances: ["workers-sagas-1"],
        metrics: { backlog: 0, oldestWaitingSeconds: 0 },
        reason: "desired-within-range",
      },
    },
    decisions: [
      { at: at(45), target: "workers-sagas", from: 2, to: 1, reason: "scale-down-stabilized", by: "hpa", metrics: { backlog: 0 }, proposals: {} },
      { at: at(15), target: "storefront", from: 2, to: 3, reason: "desired-within-range", by: "hpa", metrics: { cpuMillicores: 910 }, proposals: { cpu: 3 } },
    ],
    samples: [30, 15, 0].map((s) => ({
      at: at(s),
      instances: { storefront: 2, "workers-sagas": 1 },
      rps: 40,
      queueAgeSeconds: { "workers-sagas": 0 },
      backlog: { "workers-sagas": 0 },
    })),
  };
}

test("an admin sees each target's instances, the decisions and every live storefront, starts a bounded spike and a second is refused", async ({
  page,
  newPage,
}) => {
  test.setTimeout(60_000);
  const t = topology("test");
  const before = readSupervisorState(t);
  const now = Date.now();
  writeSupervisorState(t, {
    pid: before?.pid ?? process.pid,
    startedAt: before?.startedAt ?? new Date(now).toISOString(),
    processes: before?.processes ?? {},
    updatedAt: new Date(now).toISOString(),
    autoscaler: autoscalerRecord(now),
  });
  try {
    // Capacity is an admin's: the demo operator is told so and sees no controls.
    const operator = await newPage();
    await signInToOps(operator, "/scaling");
    // Next.js keeps its own (empty) route announcer with role=alert on every page.
    await expect(operator.getByRole("alert").filter({ hasText: "ops:scale" })).toBeVisible();
    await expect(operator.getByRole("button", { name: "Start a sale spike" })).toHaveCount(0);

    await signInToOps(page, "/scaling", "admin@agora.local");
    await expect(page.getByRole("heading", { name: "Scaling" })).toBeVisible({ timeout: 30_000 });

    // Instance counts per target: current → desired, with bounds and reason.
    const storefrontStat = page.locator("dl > div").filter({ has: page.getByText("storefront", { exact: true }) });
    await expect(storefrontStat).toContainText("2 → 3");
    await expect(storefrontStat).toContainText("2–4 · desired-within-range");
    await expect(page.locator("dl > div").filter({ has: page.getByText("workers-sagas", { exact: true }) })).toContainText("1 → 1");

    // The decisions, newest first, with the decision core's reason.
    const decisions = page.getByRole("table", { name: "Latest decisions" }).getByRole("row");
    await expect(decisions.nth(1)).toContainText("storefront");
    await expect(decisions.nth(1)).toContainText("2 → 3");
    await expect(decisions.nth(1)).toContainText("hpa: desired-within-range");
    await expect(decisions.nth(2)).toContainText("hpa: scale-down-stabilized");

    // Every live storefront instance, from the registry (not from the record above).
    const live = page.getByRole("table", { name: "Live storefront instances" });
    const instanceRow = (name: string) => live.getByRole("row").filter({ has: page.getByRole("cell", { name, exact: true }) });
    for (const name of ["storefront-1", "storefront-2"]) await expect(instanceRow(name)).toContainText("ready");

    // A bounded spike: 30 s, 2 connections, no checkouts.
    await page.getByLabel("Duration (s)").fill("30");
    await page.getByLabel("Connections").fill("2");
    await page.getByLabel("Shoppers").fill("0");
    await page.getByRole("button", { name: "Start a sale spike" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Started: 30 s at 2 connections" })).toBeVisible();
    await expect(page.getByText("running", { exact: true })).toBeVisible({ timeout: 15_000 });
    expect(runningSpike(t)).toBeDefined();

    // One at a time: the second press is refused with the reason.
    await page.getByRole("button", { name: "A spike is running…" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "already running" })).toBeVisible();

    // The spike's traffic reaches the storefronts: their scrape shows it, and the tier's p95 with it.
    for (const name of ["storefront-1", "storefront-2"])
      await expect(instanceRow(name)).toContainText("scraped", { timeout: 30_000 });
    await expect(page.locator("dl > div").filter({ hasText: "Storefront p95" })).toContainText(/\d+ ms/, { timeout: 30_000 });
  } finally {
    const pid = runningSpike(t);
    if (pid !== undefined) process.kill(pid, "SIGTERM");
    if (before) writeSupervisorState(t, before);
    else rmSync(supervisorStateFile(t), { force: true });
  }
});
