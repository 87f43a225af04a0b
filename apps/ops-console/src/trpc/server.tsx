import "server-only";

import { opsConsoleRouter } from "@agora/api";
import { createServerTrpc } from "@agora/trpc-next/server";
import { currentSession } from "../auth/session.ts";

export const { trpc, api, getQueryClient, HydrateClient } = createServerTrpc(
  opsConsoleRouter,
  currentSession,
);
export { orUnavailable, type Unavailable } from "@agora/trpc-next/server";
