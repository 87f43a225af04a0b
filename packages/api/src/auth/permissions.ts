/**
 * THE permission table: what each role may do. Procedures name a permission (never a role), so
 * granting a role a new ability is one line here, and `authz-matrix.test.ts` re-checks every
 * procedure against this table.
 */
import type { Role } from "@agora/auth";

export const PERMISSIONS = [
  // everyone, signed in or not, through public procedures; listed so roles can be compared
  "catalog:read",
  // shoppers
  "cart:write",
  "orders:read:own",
  "orders:place",
  "reviews:write",
  "notifications:read",
  // a shopper's own data: export it, erase the account
  "account:privacy",
  // vendors, always inside their own tenant (vendorProcedure)
  "vendor:read",
  "vendor:catalog:write",
  "vendor:stock:write",
  "vendor:orders:read",
  "vendor:orders:fulfil",
  "vendor:orders:refund",
  "vendor:analytics:read",
  "vendor:settings",
  "vendor:payouts",
  "vendor:staff:manage",
  "vendor:audit:read",
  // the shop's REST API keys (create, list, revoke)
  "vendor:api-keys",
  // a vendor user's own notice switches (vendor.notificationSettings)
  "vendor:notifications",
  // operators and admins
  "ops:read",
  "ops:chaos",
  "ops:drills",
  "ops:queues",
  // acknowledge alerts, create and expire silences
  "ops:alerts",
  "ops:scale",
  // cut, heal, degrade the link between the regions (the Regions page's partition controls);
  // start the region failover drill and its failback
  "ops:regions",
  "ops:deploy",
  "tenants:read",
  "tenants:admin",
  "users:admin",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const SHOPPER = [
  "catalog:read",
  "cart:write",
  "orders:read:own",
  "orders:place",
  "reviews:write",
  "notifications:read",
  "account:privacy",
] as const satisfies readonly Permission[];

const VENDOR_STAFF = [
  "catalog:read",
  "notifications:read",
  "vendor:read",
  "vendor:catalog:write",
  "vendor:stock:write",
  "vendor:orders:read",
  "vendor:orders:fulfil",
  "vendor:notifications",
  // Sales charts, conversion and stock health: the whole shop team works from them.
  "vendor:analytics:read",
] as const satisfies readonly Permission[];

const OPERATOR = [
  "catalog:read",
  "notifications:read",
  "ops:read",
  "ops:chaos",
  "ops:drills",
  "ops:queues",
  "ops:alerts",
  "tenants:read",
] as const satisfies readonly Permission[];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  shopper: SHOPPER,
  vendor_staff: VENDOR_STAFF,
  // Money and people are the owner's: refunds, payouts, settings, staff.
  vendor_owner: [
    ...VENDOR_STAFF,
    "vendor:orders:refund",
    "vendor:settings",
    "vendor:payouts",
    "vendor:staff:manage",
    "vendor:audit:read",
    "vendor:api-keys",
  ],
  operator: OPERATOR,
  // Admins run the platform, not a shop: no vendor:* (those need a tenant in the session).
  admin: [...OPERATOR, "ops:scale", "ops:regions", "ops:deploy", "tenants:admin", "users:admin"],
};

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((r) => ROLE_PERMISSIONS[r].includes(permission));
}

export function rolesWith(permission: Permission): Role[] {
  return (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((r) =>
    ROLE_PERMISSIONS[r].includes(permission),
  );
}
