import { expect, test } from "@playwright/test";
import { waitClusterReady } from "../infra/local/src/launcher.ts";
import { patroniCluster } from "../infra/local/src/probes/patroni.ts";
import { cluster, topology } from "../infra/local/src/topology.ts";
import { signInToOps } from "./support/ops-sign-in.ts";

test("an operator runs a failover drill on a shard from the console, watches the leader move and gets a report with RTO and 0 lost writes", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const t = topology("test");
  const shard = cluster(t, "shard-2");
  const before = (await patroniCluster(shard))?.leader;
  expect(before).toBeTruthy();

  await signInToOps(page, "/drills");
  await expect(page.getByRole("heading", { name: "Failover drills" })).toBeVisible();
  await page.getByLabel("Cluster").selectOption("shard-2");
  await page.getByLabel("Fault").selectOption("kill");
  await page.getByRole("button", { name: "Start drill" }).click();

  // The live strip shows the cluster's members; once the drill has crashed the primary, another
  // member must become leader without a reload.
  const live = page.getByTestId("drill-cluster-live");
  await expect(live).toContainText(`${before} · leader`);
  const others = shard.nodes.filter((n) => n.name !== before).map((n) => `${n.name} · leader`);
  await expect(live).toContainText(new RegExp(others.join("|")), { timeout: 60_000 });

  const report = page.getByTestId("drill-report");
  await expect(report.getByTestId("drill-lost")).toHaveText("0", { timeout: 150_000 });
  await expect(report.getByTestId("drill-rto")).toHaveText(/^\d+(\.\d)? s$/);
  const invariants = report.getByTestId("drill-invariants");
  await expect(invariants).toContainText("no split brain");
  await expect(invariants).toContainText("no oversell");
  await expect(invariants.getByText("✗")).toHaveCount(0);

  // The next spec needs a healthy, synchronous-ready shard again.
  await waitClusterReady(t, shard, 90_000);
});
