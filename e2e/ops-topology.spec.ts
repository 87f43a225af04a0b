import { expect, test } from "@playwright/test";
import { killPgMember, startPgMember, waitClusterReady } from "../infra/local/src/launcher.ts";
import { patroniCluster } from "../infra/local/src/probes/patroni.ts";
import { cluster, topology } from "../infra/local/src/topology.ts";
import { signInToOps } from "./support/ops-sign-in.ts";

test("an operator sees one leader per cluster and watches the map move the shard-1 leader after its primary is killed", async ({
  page,
}) => {
  const t = topology("test");
  // Operators only: the console sends anyone else to its sign-in page first.
  await signInToOps(page, "/");
  await expect(page.getByRole("heading", { name: "Topology" })).toBeVisible();
  for (const c of t.clusters) {
    await expect(page.locator(`[data-leader-of="Postgres · ${c.name}"]`)).toContainText(
      new RegExp(`${c.name}-\\d`),
    );
  }
  await expect(page.locator('[data-leader-of="etcd (Raft)"]')).toContainText(/etcd-\d/);

  const shard = cluster(t, "shard-1");
  const before = (await patroniCluster(shard))?.leader;
  const old = shard.nodes.find((n) => n.name === before);
  if (!old) throw new Error("shard-1 has no leader");
  await expect(page.locator('[data-leader-of="Postgres · shard-1"]')).toContainText(old.name);

  killPgMember(t, old);
  try {
    // No reload: the page polls and must show the promoted replica by itself.
    const other = shard.nodes.filter((n) => n.name !== old.name).map((n) => n.name);
    await expect(page.locator('[data-leader-of="Postgres · shard-1"]')).toContainText(
      new RegExp(other.join("|")),
      {
        timeout: 45_000,
      },
    );
  } finally {
    startPgMember(t, old);
    await waitClusterReady(t, shard, 90_000);
  }
});
