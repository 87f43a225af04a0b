/** `vendor.staff.list`: the shop's members (owners and staff) and its open invitations. */
import { core } from "@agora/db";

export interface StaffMember {
  userId: string;
  email: string;
  name: string;
  role: "vendor_owner" | "vendor_staff";
  since: Date;
}

export interface PendingInvitation {
  id: string;
  email: string;
  role: string;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
}

export interface StaffOverview {
  members: StaffMember[];
  invitations: PendingInvitation[];
}

export async function listStaff(vendorId: string): Promise<StaffOverview> {
  // The primary: the page right after "remove" or "invite" must show what the owner just did.
  const db = core().primary;
  const [grants, invitations] = await Promise.all([
    db.userRole.findMany({
      where: { vendorId, roleName: { in: ["vendor_owner", "vendor_staff"] } },
      orderBy: { createdAt: "asc" },
      select: {
        roleName: true,
        createdAt: true,
        user: { select: { id: true, email: true, name: true } },
      },
    }),
    db.staffInvitation.findMany({
      where: { vendorId, acceptedAt: null, revokedAt: null },
      orderBy: { createdAt: "desc" },
      select: { id: true, email: true, roleName: true, createdAt: true, expiresAt: true },
    }),
  ]);
  const now = Date.now();
  return {
    members: grants.map((g) => ({
      userId: g.user.id,
      email: g.user.email,
      name: g.user.name,
      role: g.roleName === "vendor_owner" ? "vendor_owner" : "vendor_staff",
      since: g.createdAt,
    })),
    invitations: invitations.map((i) => ({
      id: i.id,
      email: i.email,
      role: i.roleName,
      createdAt: i.createdAt,
      expiresAt: i.expiresAt,
      expired: i.expiresAt.getTime() <= now,
    })),
  };
}
