import { Badge } from "@agora/ui";
import type { AgoraSession } from "../session.ts";
import { SignOutButton } from "./sign-out-button.tsx";

const ROLE_LABEL: Record<string, string> = {
  shopper: "Shopper",
  vendor_owner: "Owner",
  vendor_staff: "Staff",
  operator: "Operator",
  admin: "Admin",
};

/** Header corner: who is signed in (name, role) and a sign-out button, or a sign-in link. */
export function UserMenuView({
  session,
  context,
  afterSignOut,
}: {
  session: AgoraSession | null;
  context?: string;
  afterSignOut?: string;
}) {
  if (!session) {
    return (
      <a
        href="/signin"
        className="inline-flex min-h-10 items-center rounded-md bg-brand-600 px-3 text-sm font-medium text-white hover:bg-brand-700"
      >
        Sign in
      </a>
    );
  }
  return (
    <div className="flex min-w-0 items-center gap-2" data-testid="user-menu">
      <span className="hidden min-w-0 flex-col text-right leading-tight sm:flex">
        <span className="truncate text-sm font-medium">{session.name}</span>
        <span className="truncate text-xs text-zinc-500">{context ?? session.email}</span>
      </span>
      <Badge tone="brand">
        {session.roles.map((r) => ROLE_LABEL[r] ?? r).join(", ") || "Signed in"}
      </Badge>
      <SignOutButton after={afterSignOut} />
    </div>
  );
}
