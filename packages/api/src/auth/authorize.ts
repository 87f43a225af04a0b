/**
 * The one place where tRPC calls are authorized: `authorize` reads the procedure's metadata
 * (set by protectedProcedure / permissionProcedure / vendorProcedure in ../trpc.ts) and rejects
 * the call before input parsing or the handler run.
 */
import type { AgoraSession } from "@agora/auth";
import { TRPCError } from "@trpc/server";
import { hasPermission, type Permission } from "./permissions.ts";

export interface ProcedureMeta {
  /** The caller's roles must grant this permission (see permissions.ts). Implies a session. */
  permission?: Permission;
  /** Any signed-in user. */
  authenticated?: boolean;
  /** The session must carry a vendor tenant; handlers get it as `ctx.tenant`. */
  tenant?: boolean;
}

/** What a procedure requires, derived from its metadata; also what the authz test enumerates. */
export type Requirement =
  | { kind: "public" }
  | { kind: "session"; tenant: boolean }
  | { kind: "permission"; permission: Permission; tenant: boolean };

export function requirementOf(meta: ProcedureMeta | undefined): Requirement {
  const tenant = meta?.tenant === true;
  if (meta?.permission) return { kind: "permission", permission: meta.permission, tenant };
  if (meta?.authenticated || tenant) return { kind: "session", tenant };
  return { kind: "public" };
}

/** Throws UNAUTHORIZED (no session) or FORBIDDEN (session lacks the permission or a tenant). */
export function assertAuthorized(
  requirement: Requirement,
  session: AgoraSession | null,
  path: string,
): void {
  if (requirement.kind === "public") return;
  if (!session) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  if (requirement.kind === "permission" && !hasPermission(session.roles, requirement.permission)) {
    throw new TRPCError({
      code: "FORBIDDEN",
      message: `${path} needs the "${requirement.permission}" permission, which your roles do not grant.`,
    });
  }
  if (requirement.tenant && !session.vendorId) {
    throw new TRPCError({ code: "FORBIDDEN", message: `${path} needs a vendor account.` });
  }
}
