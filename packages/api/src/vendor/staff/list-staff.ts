/** `vendor.staff.list`: the shop's members (owners and staff) and its open invitations. */
import { core } from "@agora/db";
import { openEmail, openUserName } from "@agora/secrets";

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
        user: {
          select: { id: true, email: true, emailSealed: true, dataKey: true, name: true, nameSealed: true },
        },
      },
    }),
    db.staffInvitation.findMany({
      where: { vendorId, acceptedAt: null, revokedAt: null },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        email: true,
        emailSealed: true,
        dataKey: true,
        roleName: true,
        createdAt: true,
        expiresAt: true,
      },
    }),
  ]);
  const now = Date.now();
  return {
    members: await Promise.all(grants.map(async (g) => ({
      userId: g.user.id,
      email: await openEmail("users", g.user),
      name: await openUserName(g.user),
      role: g.roleName === "vendor_owner" ? "vendor_owner" : "vendor_staff",
      since: g.createdAt,
    }))),
    invitations: await Promise.all(invitations.map(async (i) => ({
      id: i.id,
      email: await openEmail("staff_invitations", i),
      role: i.roleName,
      createdAt: i.createdAt,
      expiresAt: i.expiresAt,
      expired: i.expiresAt.getTime() <= now,
    }))),
  };
}
