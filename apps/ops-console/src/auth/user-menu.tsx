import { UserMenuView } from "@agora/auth/react";
import { currentSession } from "./session.ts";

/** Header corner: who is signed in, or a sign-in link. */
export async function UserMenu({ context }: { context?: string }) {
  return <UserMenuView session={await currentSession()} context={context} afterSignOut="/signin" />;
}
