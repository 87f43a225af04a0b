/** `vendor.settings.get`: the owner's settings page (staff are refused by the permission). */
import { withTenant } from "@agora/db";
import { vendorProfile, type VendorProfile } from "./profile.ts";

export interface VendorSettings {
  profile: VendorProfile;
  warehouses: number;
  products: number;
}

export async function vendorSettings(vendorId: string): Promise<VendorSettings> {
  const profile = await vendorProfile(vendorId);
  const [warehouses, products] = await withTenant(vendorId, (tx) =>
    Promise.all([
      tx.warehouse.count({ where: { vendorId } }),
      tx.product.count({ where: { vendorId } }),
    ]),
  );
  return { profile, warehouses, products };
}
