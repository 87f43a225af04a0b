import { AppShell, type NavItem } from "@agora/ui";
import type { ReactNode } from "react";
import { UserMenu } from "../auth/user-menu.tsx";

const NAV = [
  { href: "/", label: "Your shop" },
  { href: "/products", label: "Products" },
  { href: "/orders", label: "Orders" },
  { href: "/stock", label: "Stock" },
  { href: "/imports", label: "Import" },
  { href: "/staff", label: "Staff" },
  { href: "/notifications", label: "Notifications" },
  { href: "/payouts", label: "Payouts" },
  { href: "/audit", label: "Audit log" },
  { href: "/settings", label: "Settings" },
] as const;

/** The portal's frame: one nav for every page, the current one highlighted. */
export function VendorShell({
  current,
  shopName,
  children,
}: {
  current: string;
  /** Shown beside the signed-in user when the page already read the shop. */
  shopName?: string;
  children: ReactNode;
}) {
  const nav: NavItem[] = NAV.map((n) => ({ href: n.href, label: n.label, current: n.href === current }));
  return (
    <AppShell
      title="Agora"
      subtitle="Vendor portal"
      nav={nav}
      actions={<UserMenu context={shopName} />}
    >
      {children}
    </AppShell>
  );
}
