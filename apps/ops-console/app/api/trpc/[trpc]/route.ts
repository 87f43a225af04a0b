import { opsConsoleRouter } from "@agora/api";
import { getSession } from "@agora/auth";
import { createTrpcRouteHandler } from "@agora/trpc-next/route-handler";
import { authConfig } from "../../../../src/auth/config.ts";

const handler = createTrpcRouteHandler(opsConsoleRouter, (req) => getSession(req, authConfig()));

export { handler as GET, handler as POST };
