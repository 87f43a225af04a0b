import { appRouter, createTRPCContext } from "@agora/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

type Session = Parameters<typeof createTRPCContext>[0]["session"];

/**
 * The `app/api/trpc/[trpc]` handler of an app: the caller is whoever `sessionOf` finds in the
 * request (this app's next-auth cookie), or anonymous.
 */
export function createTrpcRouteHandler(sessionOf: (req: Request) => Promise<Session>) {
  return (req: Request) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      router: appRouter,
      req,
      createContext: async () =>
        createTRPCContext({ headers: req.headers, session: await sessionOf(req) }),
      onError({ error, path }) {
        // Expected failures (bad input, database down) are answered with their code; only bugs are logged.
        if (error.code === "INTERNAL_SERVER_ERROR") {
          console.error(`tRPC ${path ?? "<no-path>"} failed:`, error);
        }
      },
    });
}
