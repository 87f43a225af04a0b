import { appRouter, createTRPCContext } from "@agora/api";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    router: appRouter,
    req,
    createContext: () => createTRPCContext({ headers: req.headers }),
    onError({ error, path }) {
      // Expected failures (bad input, database down) are answered with their code; only bugs are logged.
      if (error.code === "INTERNAL_SERVER_ERROR") {
        console.error(`tRPC ${path ?? "<no-path>"} failed:`, error);
      }
    },
  });
}

export { handler as GET, handler as POST };
