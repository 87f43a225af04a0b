import "server-only";

import { storefrontRouter } from "@agora/api";
import { createServerTrpc } from "@agora/trpc-next/server";
import { currentSession } from "../auth/session.ts";

export const { trpc, api, getQueryClient, HydrateClient } = createServerTrpc(
  storefrontRouter,
  currentSession,
);
export { orUnavailable, type Unavailable } from "@agora/trpc-next/server";
