import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";
import { topology } from "../infra/local/src/topology.ts";
import { signInToOps } from "./support/ops-sign-in.ts";

const result = (name: string, rps: number, p95Ms: number, ratio: number, met: boolean) => ({
  name,
  title: name,
  concurrency: 100,
  requests: rps * 10,
  rps,
  p50Ms: p95Ms / 3,
  p95Ms,
  p99Ms: p95Ms * 2,
  non2xx: 0,
  durationS: 10,
  errors: 0,
  ratioToCeiling: ratio,
  notes: [],
  targets: [{ label: "≥ 25 % of ceiling, p95 ≤ 20 ms, 0 non-2xx", met }],
});

test("an operator charts the bench runs and reads the newest one with its targets met or missed", async ({
  page,
}) => {
  const t = topology("test");
  const file = join(t.stateDir, "bench", "history.jsonl");
  let before: string | null = null;
  try {
    before = readFileSync(file, "utf8");
  } catch {
    // no history yet
  }
  const run = (at: string, product: ReturnType<typeof result>) => ({
    at,
    mode: "quick",
    gateway: "http://127.0.0.1",
    identity: "source-address",
    host: { cpus: 2, loadAvg1m: 0.7 },
    results: [result("node-hello", 10_000, 10, 1, true), product],
  });
  mkdirSync(join(t.stateDir, "bench"), { recursive: true });
  writeFileSync(
    file,
    [
      run("2026-12-04T10:00:00.000Z", result("product", 300, 500, 0.03, false)),
      "not a bench run",
      run("2026-12-05T10:00:00.000Z", result("product", 5_000, 12, 0.5, true)),
    ]
      .map((l) => (typeof l === "string" ? l : JSON.stringify(l)))
      .join("\n"),
  );
  try {
    await signInToOps(page, "/performance");
    // Sign-in is not what this test measures; on a loaded machine it can take a while.
    await expect(page.getByRole("heading", { name: "Performance" })).toBeVisible({ timeout: 30_000 });
    const latest = page.getByRole("table", { name: "Scenarios of the newest bench run" });
    const product = latest.getByRole("row").filter({ hasText: /^product/ });
    await expect(product).toContainText("5000");
    await expect(product).toContainText("50.0 %");
    await expect(product).toContainText("✔");
    await expect(page.getByText(/load 0\.7 at start/)).toBeVisible();
    // One chart per figure, drawn from both runs.
    await expect(page.getByText("Reads through the gateway, share of the ceiling")).toBeVisible();
    const shares = page.getByRole("img", { name: /^catalog home, category page, product/ }).first();
    await expect(shares).toBeVisible();
    // The product's line joins its two runs (the line that is not a bench run was skipped).
    await expect(shares.locator(".recharts-line-curve")).not.toHaveCount(0);
  } finally {
    if (before === null) rmSync(file, { force: true });
    else writeFileSync(file, before);
  }
});
