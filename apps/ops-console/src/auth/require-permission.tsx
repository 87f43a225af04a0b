import { hasPermission, type Permission } from "@agora/api/permissions";
import type { ReactNode } from "react";
import { currentSession } from "./session.ts";

/**
 * A page body only some roles may use: `children` when the signed-in account has `permission`,
 * else `refusal` as an alert. Only the page: every procedure behind it checks its permission again.
 */
export async function RequirePermission({
  permission,
  refusal,
  children,
}: {
  permission: Permission;
  refusal: string;
  children: ReactNode;
}) {
  const session = await currentSession();
  if (session !== null && hasPermission(session.roles, permission)) return children;
  return (
    <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
      {refusal}
    </p>
  );
}
