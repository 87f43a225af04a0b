import { randomUUID } from "node:crypto";
import { closeAll, createVendor, locateVendor, withTenant } from "@agora/db";
import { expect, test } from "@playwright/test";
import { signInToOps } from "./support/ops-sign-in.ts";

test.afterAll(async () => {
  await closeAll();
});

test("an admin moves a vendor to another shard from the console and sees the move finish with its write fence", async ({
  page,
}) => {
  test.setTimeout(180_000);
  const run = randomUUID().slice(0, 8);
  const v = await createVendor({ slug: `console-move-${run}`, name: `Console Move ${run}`, shard: "shard-1" });
  await withTenant(v.id, (tx) =>
    tx.warehouse.create({ data: { vendorId: v.id, code: "CM", name: "Console move" } }),
  );

  await signInToOps(page, "/shards", "admin@agora.local");
  await expect(page.getByRole("heading", { name: "Shards" })).toBeVisible({ timeout: 30_000 });
  await page.getByLabel("Vendor").selectOption({ label: `Console Move ${run} (shard-1)` });
  await expect(page.getByLabel("To shard")).toHaveValue("shard-2");
  await page.getByRole("button", { name: "Move" }).click();

  const row = page
    .getByRole("table", { name: "Latest vendor moves" })
    .getByRole("row")
    .filter({ hasText: `Console Move ${run}` });
  // Done after the copy, the fence and the purge (which waits out the directory caches, ~35 s).
  await expect(row).toContainText("done", { timeout: 120_000 });
  await expect(row).toContainText("shard-1 → shard-2");
  await expect(row).toContainText(/\d+ ms/);
  expect((await locateVendor(v.id)).shard).toBe("shard-2");
});
