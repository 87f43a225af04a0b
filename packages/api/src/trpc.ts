/**
 * The one place that defines Agora's tRPC context and procedure builders (create-t3-turbo style).
 * Routers import `createTRPCRouter` and a procedure builder from here and nothing else from tRPC.
 */
import type { AgoraSession } from "@agora/auth";
import { CheckoutBusyError } from "@agora/orders";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { assertAuthorized, type ProcedureMeta, requirementOf } from "./auth/authorize.ts";
import type { Permission } from "./auth/permissions.ts";
import { cartIdFrom } from "./cart/cart-cookie.ts";
import { observeProcedure } from "./observability/procedure-telemetry.ts";
import { toTRPCError } from "./data-layer/errors.ts";
import { currentTraceId, internalErrorMessage, publicDomainCode } from "./errors/public-error.ts";
import { containsNul } from "./input/nul-characters.ts";
import { enforceRateLimit, RateLimitedError, rateLimitAnswer } from "./rate-limit/enforce.ts";

export type Session = AgoraSession;

/**
 * Built once per request by the route handler or a server component. The caller resolves the
 * session from the request first (`getSession` of @agora/auth: the next-auth JWT in the app's
 * session cookie); without one the request is anonymous.
 */
export async function createTRPCContext(opts: {
  headers: Headers;
  session?: Session | null;
}): Promise<TRPCContext> {
  return { headers: opts.headers, session: opts.session ?? null, cartId: cartIdFrom(opts.headers) };
}

export interface TRPCContext {
  headers: Headers;
  session: Session | null;
  /** The guest cart (`agora_cart` cookie); optional so hand-built contexts (tests) may omit it. */
  cartId?: string | null;
}

const t = initTRPC
  .context<TRPCContext>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const traceId = currentTraceId();
      // tRPC adds the stack outside production; no response carries one, in any environment.
      const { stack: _stack, ...data } = shape.data;
      if (error.code === "INTERNAL_SERVER_ERROR") {
        // What tRPC makes of anything thrown that is not a TRPCError (a bug, a driver error nothing
        // mapped): its text may be SQL or Prisma's, so the caller gets one stable sentence and the
        // trace id, and the route handler logs the cause under that id. Every other code is raised
        // on purpose (4xx, SERVICE_UNAVAILABLE, TOO_MANY_REQUESTS) and keeps its typed message.
        return {
          ...shape,
          message: internalErrorMessage(traceId),
          data: {
            ...data,
            traceId,
            zodIssues: null,
            domainCode: null,
            retryAfterSeconds: null,
            details: null,
          },
        };
      }
      return {
        ...shape,
        data: {
          ...data,
          // The id of this request's trace, to quote in a report (also on intended errors).
          traceId,
          // Clients show field-level messages from these instead of parsing the message string.
          zodIssues: cause instanceof ZodError ? cause.issues : null,
          // Domain errors carry a stable `code` (e.g. DB_UNAVAILABLE) that UIs can switch on.
          domainCode: publicDomainCode(cause),
          // TOO_MANY_REQUESTS: when to retry; the route handler also sends it as Retry-After.
          retryAfterSeconds: retryAfterOf(cause),
          // Structured, safe-to-show facts of a domain error (e.g. a CONFLICT's current version).
          details: detailsOf(cause),
        },
      };
    },
  });

/** Rate limits and checkout admission say when to come back (the route handler sends Retry-After). */
function retryAfterOf(cause: unknown): number | null {
  if (cause instanceof RateLimitedError || cause instanceof CheckoutBusyError) return cause.retryAfterSeconds;
  return null;
}

function detailsOf(cause: unknown): Record<string, unknown> | null {
  if (cause instanceof Error && "details" in cause && typeof cause.details === "object")
    return cause.details as Record<string, unknown>;
  return null;
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * A dependency failure (no database, no leader during a failover, a probe that timed out) becomes
 * a typed tRPC error such as SERVICE_UNAVAILABLE rather than an opaque 500, so pages can render a
 * "database unavailable" state and load balancers can tell an outage from a bug.
 */
const dependencyErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
  }
  return result;
});

/**
 * Authorization, checked here and nowhere else, from the procedure's metadata. It runs first, so
 * a rejected call never parses input or reaches a handler (or a database).
 */
const authorize = t.middleware(({ ctx, meta, path, next }) => {
  assertAuthorized(requirementOf(meta), ctx.session, path);
  return next();
});

/**
 * Procedures anyone may call; inputs are still validated with zod. Each one must be listed in
 * auth/public-procedures.ts (the authz test enforces it).
 */
/**
 * The rate-limit table (rate-limit/limits.ts), per user when signed in, else per client IP. It runs
 * after `authorize`, so calls refused for lack of a session cost no Redis round trip.
 */
const rateLimit = t.middleware(async ({ ctx, path, type, next }) => {
  try {
    await enforceRateLimit({ path, type, headers: ctx.headers, userId: ctx.session?.userId });
  } catch (err) {
    throw rateLimitAnswer(err);
  }
  return next();
});

/**
 * Text that Postgres cannot store (NUL characters) is a BAD_REQUEST here, for every procedure,
 * before the input's own schema and long before a query could fail on it.
 */
const storableInput = t.middleware(async ({ getRawInput, next }) => {
  if (containsNul(await getRawInput()))
    throw new TRPCError({ code: "BAD_REQUEST", message: "Text must not contain NUL characters." });
  return next();
});

/** Outermost: one span + RED metrics per call, including the ones authorize rejects. */
const telemetry = t.middleware(({ ctx, path, type, next }) =>
  observeProcedure({ path, type, userId: ctx.session?.userId }, () => next()),
);

export const publicProcedure = t.procedure
  .use(telemetry)
  .use(authorize)
  .use(rateLimit)
  .use(storableInput)
  .use(dependencyErrors);

/** Any signed-in user; `ctx.session` is non-null in the handler. */
export const protectedProcedure = publicProcedure
  .meta({ authenticated: true })
  .use(({ ctx, next }) => {
    // Only narrows the type: `authorize` above has already rejected anonymous calls.
    if (!ctx.session)
      throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "authorize skipped" });
    return next({ ctx: { session: ctx.session } });
  });

/** Signed in AND one of the caller's roles grants `permission` (auth/permissions.ts). */
export function permissionProcedure(permission: Permission) {
  return protectedProcedure.meta({ permission });
}

/**
 * A vendor's own tenant: `ctx.tenant.vendorId` comes from the session, never from input, so a
 * vendor cannot name another vendor's id to reach its data.
 */
export function vendorProcedure(permission: Permission) {
  return permissionProcedure(permission)
    .meta({ tenant: true })
    .use(({ ctx, next }) => {
      const vendorId = ctx.session.vendorId;
      // Only narrows the type: `authorize` rejects tenant procedures for sessions without one.
      if (!vendorId)
        throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "authorize skipped" });
      return next({ ctx: { tenant: { vendorId } } });
    });
}

export { TRPCError };
