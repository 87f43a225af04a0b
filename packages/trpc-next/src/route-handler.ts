import { createTRPCContext } from "@agora/api";
import { edgeCacheControl } from "@agora/api/edge-cache";
import type { AnyTRPCRouter, TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { createLogger } from "@agora/telemetry";
import { MAX_BATCH_SIZE, MAX_TRPC_BODY_BYTES } from "./limits.ts";
import {
  guardedRoute,
  mediaTypeOf,
  UnsupportedMediaTypeError,
  withBodyWithin,
} from "./route-guards/index.ts";

const log = createLogger({ service: "api" });

type Session = Parameters<typeof createTRPCContext>[0]["session"];

/**
 * The `app/api/trpc/[trpc]` handler of an app: serves only that app's `router` (APP_ROUTERS of
 * @agora/api); the caller is whoever `sessionOf` finds in the request (this app's next-auth
 * cookie), or anonymous. `guardedRoute` refuses cross-site mutations and answers what escapes
 * with the trace id; mutations are JSON only (tRPC would also take multipart/form-data and
 * octet-stream, which no procedure uses and which a cross-site form can send), at most
 * MAX_TRPC_BODY_BYTES, and a batch holds at most MAX_BATCH_SIZE calls.
 */
export function createTrpcRouteHandler(
  router: AnyTRPCRouter,
  sessionOf: (req: Request) => Promise<Session>,
) {
  return guardedRoute(async (incoming: Request) => {
    let req = incoming;
    if (req.method === "POST") {
      if (mediaTypeOf(req) !== "application/json")
        throw new UnsupportedMediaTypeError("application/json");
      req = await withBodyWithin(req, MAX_TRPC_BODY_BYTES);
    }
    return fetchRequestHandler({
      endpoint: "/api/trpc",
      router,
      req,
      maxBatchSize: MAX_BATCH_SIZE,
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
        // Expected failures (bad input, database down) are answered with their code; only bugs
        // are logged, with their cause, under the trace id the answer names.
        if (error.code === "INTERNAL_SERVER_ERROR") {
          log.error(
            { path: path ?? "<no-path>", err: error.cause ?? error },
            "tRPC procedure failed",
          );
        }
      },
    });
  });
}

function retryAfterOf(error: TRPCError): number {
  const cause: unknown = error.cause;
  if (error.code !== "TOO_MANY_REQUESTS" || !(cause instanceof Error)) return 0;
  const seconds = (cause as Error & { retryAfterSeconds?: unknown }).retryAfterSeconds;
  return typeof seconds === "number" ? seconds : 0;
}
