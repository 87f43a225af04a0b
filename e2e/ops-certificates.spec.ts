import { expect, test } from "@playwright/test";
import { signInToOps } from "./support/ops-sign-in.ts";

test("an admin sees every server's certificate (Postgres, Redis, Sentinel, etcd, Patroni REST, inventory, collector query API, HTTPS edge) and its expiry, rotates them, and the servers present the new ones", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signInToOps(page, "/keys", "admin@agora.local");
  const table = page.getByRole("table", { name: "Server certificates" });
  await expect(table).toBeVisible({ timeout: 30_000 });
  // One row per Postgres member (3 core + 2 + 2 shard members), each on TLS 1.3 with ~90 days left.
  const rows = table.getByRole("row").filter({ hasText: "postgres " });
  await expect(rows).toHaveCount(7);
  const core1 = rows.filter({ hasText: "postgres core-1" });
  await expect(core1).toContainText("TLSv1.3");
  await expect(core1).toContainText(/\b(8\d|90) days/);
  const serialBefore = await core1.locator("td").last().innerText();
  // The other TLS servers: Redis ×2, Sentinel ×3, etcd ×3, Patroni's REST API on all 7 members.
  // And the internal service planes with mutual TLS (inventory ×2, the collector's query API, the
  // payment simulator's server API) and
  // the HTTPS edge (gateway, vendor portal, ops console).
  for (const [kind, count] of [
    ["redis ", 2],
    ["sentinel ", 3],
    ["etcd ", 3],
    ["patroni-rest ", 7],
    ["inventory inventory-", 2],
    ["telemetry-collector query API", 1],
    ["payment-sim server API", 1],
    ["haproxy ", 3],
  ] as const) {
    const kindRows = table.getByRole("row").filter({ hasText: kind });
    await expect(kindRows).toHaveCount(count);
    await expect(kindRows.first()).toContainText("TLSv1.3");
  }
  const redis1 = table.getByRole("row").filter({ hasText: "redis redis-1" });
  const redisSerialBefore = await redis1.locator("td").last().innerText();

  await page.getByRole("button", { name: "Rotate server certificates" }).click();
  await expect(page.getByRole("status").filter({ hasText: "certificates issued" })).toContainText(
    // 7 Postgres + 2 Redis + 3 Sentinel + 3 etcd + the etcd client pair + the Patroni admin pair
    // + 7 Patroni REST + the edge + 11 service identities; the reloads: those servers and the 2
    // HAProxy instances.
    "36 certificates issued; 24 servers reloaded",
    { timeout: 60_000 },
  );
  await expect(core1.locator("td").last()).not.toHaveText(serialBefore, { timeout: 30_000 });
  await expect(core1).toContainText("TLSv1.3");
  await expect(redis1.locator("td").last()).not.toHaveText(redisSerialBefore, { timeout: 30_000 });
});
