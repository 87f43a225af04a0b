import { expect, test } from "@playwright/test";
import { haproxyServers } from "../infra/local/src/probes/haproxy.ts";
import { topology } from "../infra/local/src/topology.ts";

const VENDORS = [
  "Acme Hardware",
  "Blue Fern Botanics",
  "Copper Kettle Kitchenware",
  "Northwind Outfitters",
];

test("a shopper sees every vendor, its product count and the shard that holds its catalogue", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Shop independent vendors" })).toBeVisible();
  const vendors = page.getByRole("region", { name: "Vendors" });
  // The seeded vendors' cards (other journeys add vendors of their own, and may move them).
  const shards: string[] = [];
  for (const v of VENDORS) {
    const card = vendors
      .locator("section")
      .filter({ has: page.getByRole("heading", { name: v, exact: true }) });
    await expect(card).toBeVisible();
    await expect(card).toContainText("100 products");
    shards.push((await card.getByText(/^shard-\d+$/).textContent()) ?? "");
  }
  expect(shards.filter((s) => s === "shard-1")).toHaveLength(2);
  expect(shards.filter((s) => s === "shard-2")).toHaveLength(2);
  await expect(
    page.getByRole("region", { name: "Categories" }).getByText("Apparel", { exact: true }),
  ).toBeVisible();
});

test("the HAProxy gateway spreads shoppers over both storefront instances", async ({ request }) => {
  const t = topology("test");
  // The topology's instances; the backend's spare slots (for instances the registry adds) sit in MAINT.
  const instances = new Set(t.apps.storefront.map((_, i) => `storefront-${i + 1}`));
  const sessions = async () =>
    new Map(
      (await haproxyServers(t))
        .filter((s) => s.backend === "storefront_gateway" && instances.has(s.server))
        .map((s) => [s.server, s]),
    );
  const before = await sessions();
  expect([...before.values()].every((s) => s.status === "UP")).toBe(true);
  for (let i = 0; i < 10; i++) expect((await request.get("/healthz")).status()).toBe(200);
  // Sessions per storefront instance, summed over the HAProxy instances (they share the gateway's
  // port: the kernel hands each connection to one of them).
  const served = new Map<string, number>();
  for (const h of t.haproxyInstances) {
    const stats = await fetch(`http://${t.host}:${h.statsPort}/;csv`).then((r) => r.text());
    const header = (stats.split("\n")[0] ?? "").replace(/^# /, "").split(",");
    const stot = header.indexOf("stot");
    for (const f of stats.split("\n").map((l) => l.split(",")))
      if (f[0] === "storefront_gateway" && instances.has(f[1] ?? ""))
        served.set(f[1] ?? "", (served.get(f[1] ?? "") ?? 0) + Number(f[stot]));
  }
  expect(served.size).toBe(2);
  for (const n of served.values()) expect(n).toBeGreaterThan(0);
});
