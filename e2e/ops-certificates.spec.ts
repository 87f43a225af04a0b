import { expect, test } from "@playwright/test";
import { signInToOps } from "./support/ops-sign-in.ts";

test("an admin sees every database server's certificate and its expiry, rotates them, and the servers present the new ones", async ({
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

  await page.getByRole("button", { name: "Rotate server certificates" }).click();
  await expect(page.getByRole("status").filter({ hasText: "certificates issued" })).toContainText(
    "7 certificates issued; 7 servers reloaded",
    { timeout: 60_000 },
  );
  await expect(core1.locator("td").last()).not.toHaveText(serialBefore, { timeout: 30_000 });
  await expect(core1).toContainText("TLSv1.3");
});
