/** Agora's roles, as stored in `roles.name` of the core database (ARCHITECTURE §6). */
export const ROLES = ["shopper", "vendor_owner", "vendor_staff", "operator", "admin"] as const;

export type Role = (typeof ROLES)[number];

/** Roles whose grants are scoped to one vendor (user_roles.vendor_id is set). */
export const VENDOR_ROLES = ["vendor_owner", "vendor_staff"] as const satisfies readonly Role[];

export function isRole(name: string): name is Role {
  return (ROLES as readonly string[]).includes(name);
}
