/**
 * Vendor portal steps and test data for the vendor specs: the portal's address in the `test`
 * topology, signing in with the seeded demo logins, and the vendors and warehouses a spec works in
 * (read from the database, never hard-coded ids).
 */
import { expect, type Page } from "@playwright/test";
import { topology } from "../../infra/local/src/topology.ts";
import { withTenant } from "../../packages/db/src/index.ts";
import { VENDORS } from "../../packages/db/src/seed/demo-data.ts";
import { db } from "./shop.ts";
import { appUrl, DEMO_PASSWORD, signInAtProvider } from "./sign-in.ts";

export { DEMO_PASSWORD };

const t = topology("test");

export interface PortalVendor {
  id: string;
  slug: string;
  owner: string;
  staff: string;
}

/** An absolute vendor portal URL (the portal is not behind the storefront gateway). */
export function portalUrl(path = "/"): string {
  return appUrl("vendorPortal", path);
}

/** The CDN edge's origin, where product images are served from. */
export function cdnOrigin(): string {
  return `http://${t.host}:${t.apps.cdn}`;
}

/** One CDN edge instance by its own address (each instance has its own cache). */
export function cdnInstanceOrigin(index = 0): string {
  return `http://${t.host}:${t.cdnInstances[index]!.statusPort}`;
}

/**
 * The seeded vendors in slug order; `index` picks one (each vendor spec keeps to its own). Only the
 * seed's vendors count: vendors other specs create (a console move's, say) never shift the index.
 */
export async function vendorAt(index: number): Promise<PortalVendor> {
  const rows = await db().primary.$queryRawUnsafe<{ id: string; slug: string }[]>(
    `SELECT id::text, slug FROM vendors WHERE slug = ANY($1::text[]) ORDER BY slug`,
    VENDORS.map((v) => v.slug),
  );
  const v = rows[index];
  if (!v) throw new Error(`no vendor at ${index} (${rows.length} seeded)`);
  return {
    ...v,
    owner: `owner@${v.slug}.agora.local`,
    staff: `staff@${v.slug}.agora.local`,
  };
}

/** The vendor's warehouse codes in code order (WH-1, WH-2, … in the seed). */
export async function warehouseCodes(vendorId: string): Promise<string[]> {
  db();
  const rows = await withTenant(vendorId, (tx) =>
    tx.$queryRawUnsafe<{ code: string }[]>(
      `SELECT code FROM warehouses WHERE vendor_id = $1::uuid ORDER BY code`,
      vendorId,
    ),
  );
  return rows.map((r) => r.code);
}

/** Signs in through the portal's sign-in (the identity provider's form) and lands on `path`. */
export async function signInToPortal(page: Page, email: string, path = "/"): Promise<void> {
  await page.goto(portalUrl(`/signin?callbackUrl=${encodeURIComponent(path)}`));
  await signInAtProvider(page, email);
  await expect(page).toHaveURL(portalUrl(path), { timeout: 30_000 });
}
