import { appRouter, createTRPCContext } from "@agora/api";
import { getSession } from "@agora/auth";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { authConfig } from "../../../../src/auth/config.ts";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    router: appRouter,
    req,
    // The caller is whoever the next-auth JWT in this app's session cookie names (or anonymous).
    createContext: async () =>
      createTRPCContext({ headers: req.headers, session: await getSession(req, authConfig()) }),
    onError({ error, path }) {
      // Expected failures (bad input, database down) are answered with their code; only bugs are logged.
      if (error.code === "INTERNAL_SERVER_ERROR") {
        console.error(`tRPC ${path ?? "<no-path>"} failed:`, error);
      }
    },
  });
}

export { handler as GET, handler as POST };
