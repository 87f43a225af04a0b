/**
 * The one place that defines Agora's tRPC context and procedure builders (create-t3-turbo style).
 * Routers import `createTRPCRouter` and a procedure builder from here and nothing else from tRPC.
 */
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import { toTRPCError } from "./data-layer/errors.ts";

export interface Session {
  userId: string;
  vendorId?: string;
  roles: string[];
}

/**
 * Built once per request by the route handler (from the request) or by a server component
 * (from `next/headers`). Auth lands later: until then every request is anonymous.
 */
export async function createTRPCContext(opts: { headers: Headers }) {
  const session: Session | null = null;
  return { headers: opts.headers, session };
}

export type TRPCContext = Awaited<ReturnType<typeof createTRPCContext>>;

const t = initTRPC.context<TRPCContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        // Clients show field-level messages from these instead of parsing the message string.
        zodIssues: cause instanceof ZodError ? cause.issues : null,
        // Domain errors carry a stable `code` (e.g. DB_UNAVAILABLE) that UIs can switch on.
        domainCode: domainCodeOf(cause),
      },
    };
  },
});

function domainCodeOf(cause: unknown): string | null {
  if (cause instanceof Error && "code" in cause && typeof cause.code === "string")
    return cause.code;
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

/** Procedures anyone may call; inputs are still validated with zod. */
export const publicProcedure = t.procedure.use(dependencyErrors);

export { TRPCError };
