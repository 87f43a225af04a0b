import { createTRPCContext } from "@agora/api";
import { edgeCacheControl } from "@agora/api/edge-cache";
import type { AnyTRPCRouter, TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createLogger } from "@agora/telemetry";

const log = createLogger({ service: "api" });

type Session = Parameters<typeof createTRPCContext>[0]["session"];

/**
 * The `app/api/trpc/[trpc]` handler of an app: serves only that app's `router` (APP_ROUTERS of
 * @agora/api); the caller is whoever `sessionOf` finds in the request (this app's next-auth
 * cookie), or anonymous.
 */
export function createTrpcRouteHandler(
  router: AnyTRPCRouter,
  sessionOf: (req: Request) => Promise<Session>,
) {
  return (req: Request) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      router,
      req,
      createContext: async () =>
        createTRPCContext({ headers: req.headers, session: await sessionOf(req) }),
      // A rate-limited call (TOO_MANY_REQUESTS → 429) tells clients when to come back; a public
      // catalog read tells the edge cache how long it may keep the answer (edge-cache.ts).
      responseMeta({ errors, info, type, eagerGeneration }) {
        const headers = new Headers();
        const retryAfter = Math.max(0, ...errors.map(retryAfterOf));
        if (retryAfter > 0) headers.set("Retry-After", String(retryAfter));
        const cacheControl = edgeCacheControl({
          paths: info?.calls.map((c) => c.path),
          type,
          errorCount: errors.length,
          eager: eagerGeneration,
        });
        if (cacheControl) headers.set("Cache-Control", cacheControl);
        return { headers };
      },
      onError({ error, path }) {
        // Expected failures (bad input, database down) are answered with their code; only bugs are logged.
        if (error.code === "INTERNAL_SERVER_ERROR") {
          log.error(
            { path: path ?? "<no-path>", err: error.cause ?? error },
            "tRPC procedure failed",
          );
        }
      },
    });
}

function retryAfterOf(error: TRPCError): number {
  const cause: unknown = error.cause;
  if (error.code !== "TOO_MANY_REQUESTS" || !(cause instanceof Error)) return 0;
  const seconds = (cause as Error & { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof seconds === "number" ? seconds : 0;
}
