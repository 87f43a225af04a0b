/**
 * Generated authorization matrix: every procedure of appRouter × every role (and anonymous),
 * checked against the ONE permission table. A new procedure is covered the moment it is added to
 * the router; one that declares neither a permission nor a session must be listed as public.
 *
 * No database is needed: the data layer is replaced by functions that record the touch and throw,
 * so "denied" also proves the handler was never reached.
 */
import { type AgoraSession, ROLES, type Role, VENDOR_ROLES } from "@agora/auth";
import { TRPCError } from "@trpc/server";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { appRouter, createCaller } from "../index.ts";
import { type ProcedureMeta, requirementOf } from "./authorize.ts";
import { hasPermission, rolesWith } from "./permissions.ts";
import { PUBLIC_PROCEDURES } from "./public-procedures.ts";

const dataLayer = vi.hoisted(() => {
  const touched: string[] = [];
  const untouchable =
    (name: string) =>
    (..._args: unknown[]): never => {
      touched.push(name);
      throw new Error(`handler reached the data layer (${name})`);
    };
  return { touched, untouchable };
});

// Everything a handler could use to reach a server. Add a new data source here when one appears.
vi.mock("@agora/db", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@agora/db")>()),
  core: dataLayer.untouchable("core()"),
  shard: dataLayer.untouchable("shard()"),
  shardNames: dataLayer.untouchable("shardNames()"),
  forVendor: dataLayer.untouchable("forVendor()"),
  shardFor: dataLayer.untouchable("shardFor()"),
  locateVendor: dataLayer.untouchable("locateVendor()"),
  createVendor: dataLayer.untouchable("createVendor()"),
  withTenant: dataLayer.untouchable("withTenant()"),
  withPlatformScope: dataLayer.untouchable("withPlatformScope()"),
  listPreparedTransactions: dataLayer.untouchable("listPreparedTransactions()"),
}));
vi.mock("@agora/redis", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@agora/redis")>()),
  createRedis: dataLayer.untouchable("createRedis()"),
}));
vi.mock("../checkout/checkout-redis.ts", () => ({
  checkoutRedis: dataLayer.untouchable("checkoutRedis()"),
  closeCheckoutRedis: async () => {},
}));

interface ProcedureRecord {
  _def: { type: "query" | "mutation" | "subscription"; meta?: ProcedureMeta; inputs: unknown[] };
}

// `_def.procedures` is tRPC's flat path → procedure map at runtime; its declared type is the
// nested router record, hence the cast through unknown.
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, ProcedureRecord>,
);
const TENANT_ID = "00000000-0000-4000-8000-00000000000a";

function sessionOf(role: Role, opts: { tenant?: boolean } = {}): AgoraSession {
  const vendor = (VENDOR_ROLES as readonly Role[]).includes(role) && opts.tenant !== false;
  return {
    userId: `user-${role}`,
    email: `${role}@authz.test`,
    name: role,
    roles: [role],
    ...(vendor ? { vendorId: TENANT_ID } : {}),
  };
}

/** The tRPC error code of one call, or "ok" when it resolved. */
async function outcome(path: string, session: AgoraSession | null): Promise<string> {
  let target: unknown = createCaller({ headers: new Headers(), session });
  for (const segment of path.split(".")) target = (target as Record<string, unknown>)[segment];
  if (typeof target !== "function") throw new Error(`${path} is not callable on the caller`);
  try {
    // No input: authorization runs before input parsing, so a BAD_REQUEST still means "allowed".
    await (target as (input?: unknown) => Promise<unknown>)(undefined);
    return "ok";
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

const DENIED = ["UNAUTHORIZED", "FORBIDDEN"];

beforeEach(() => {
  dataLayer.touched.length = 0;
});

describe("authorization matrix", () => {
  it("finds the procedures of the app router", () => {
    expect(procedures.length).toBeGreaterThan(0);
  });

  it("every procedure declares a permission or a session, or is explicitly listed as public", () => {
    const unaccounted = procedures
      .filter(
        ([path, p]) =>
          requirementOf(p._def.meta).kind === "public" && !PUBLIC_PROCEDURES.includes(path),
      )
      .map(([path]) => path);
    expect(unaccounted, "add a permission, or list the procedure in public-procedures.ts").toEqual(
      [],
    );
  });

  it("lists as public only procedures that exist and declare no requirement", () => {
    const byPath = new Map(procedures);
    for (const path of PUBLIC_PROCEDURES) {
      const p = byPath.get(path);
      expect(p, `${path} is listed as public but does not exist`).toBeDefined();
      expect(
        requirementOf(p?._def.meta).kind,
        `${path} is listed as public but requires auth`,
      ).toBe("public");
    }
  });

  it("keeps every ops.* procedure for operators and admins (ops:read or stronger)", () => {
    const ops = procedures.filter(([path]) => path.startsWith("ops."));
    expect(ops.length).toBeGreaterThan(0);
    for (const [path, p] of ops) {
      const req = requirementOf(p._def.meta);
      expect(req.kind, path).toBe("permission");
      if (req.kind !== "permission") continue;
      expect(
        rolesWith(req.permission).every((r) => r === "operator" || r === "admin"),
        path,
      ).toBe(true);
    }
  });

  it("never lets a tenant-scoped procedure take a vendorId from input", () => {
    for (const [path, p] of procedures) {
      const req = requirementOf(p._def.meta);
      if (req.kind === "public" || !req.tenant) continue;
      for (const input of p._def.inputs) {
        const schema = JSON.stringify(
          z.toJSONSchema(input as z.ZodType, { unrepresentable: "any", io: "input" }),
        );
        expect(schema, `${path} input mentions vendorId`).not.toMatch(/"vendorId"/);
      }
    }
  });

  describe.each(procedures.filter(([, p]) => requirementOf(p._def.meta).kind !== "public"))(
    "%s",
    (path, p) => {
      const req = requirementOf(p._def.meta);
      const allowed = (role: Role) =>
        req.kind === "session" ||
        (req.kind === "permission" && hasPermission([role], req.permission));

      it("rejects anonymous callers with UNAUTHORIZED before the handler runs", async () => {
        expect(await outcome(path, null)).toBe("UNAUTHORIZED");
        expect(dataLayer.touched).toEqual([]);
      });

      it.each(ROLES.filter((r) => !allowed(r)))(
        "rejects %s with FORBIDDEN before the handler runs",
        async (role) => {
          expect(await outcome(path, sessionOf(role))).toBe("FORBIDDEN");
          expect(dataLayer.touched).toEqual([]);
        },
      );

      it.each(ROLES.filter((r) => allowed(r)))("lets %s through", async (role) => {
        expect(DENIED).not.toContain(await outcome(path, sessionOf(role)));
      });

      if (req.kind !== "public" && req.tenant) {
        it.each(ROLES.filter((r) => allowed(r)))(
          "rejects %s without a tenant in the session with FORBIDDEN",
          async (role) => {
            expect(await outcome(path, sessionOf(role, { tenant: false }))).toBe("FORBIDDEN");
            expect(dataLayer.touched).toEqual([]);
          },
        );
      }
    },
  );

  it.each(PUBLIC_PROCEDURES)("serves public %s to anonymous callers", async (path) => {
    expect(DENIED).not.toContain(await outcome(path, null));
  });
});

describe("permission table", () => {
  // Pinned by hand, so an edit of the table that breaks the product's basic promises fails here.
  it("gives ops:read to operators and admins only", () => {
    expect(rolesWith("ops:read").sort()).toEqual(["admin", "operator"]);
  });

  it("keeps money and staff with the vendor owner", () => {
    for (const p of ["vendor:payouts", "vendor:settings", "vendor:staff:manage"] as const) {
      expect(rolesWith(p)).toEqual(["vendor_owner"]);
    }
  });

  it("gives vendor permissions only to vendor roles", () => {
    for (const role of ["shopper", "operator", "admin"] as const) {
      expect(hasPermission([role], "vendor:read")).toBe(false);
      expect(hasPermission([role], "vendor:catalog:write")).toBe(false);
    }
  });

  it("does not let a shopper read ops or vendor data", () => {
    expect(hasPermission(["shopper"], "ops:read")).toBe(false);
    expect(hasPermission(["shopper"], "vendor:read")).toBe(false);
  });
});
