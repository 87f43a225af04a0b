import "server-only";

import { vendorPortalRouter } from "@agora/api";
import { createServerTrpc } from "@agora/trpc-next/server";
import { currentSession } from "../auth/session.ts";

export const { trpc, api, getQueryClient, HydrateClient } = createServerTrpc(
  vendorPortalRouter,
  currentSession,
);
export { orUnavailable, type Unavailable } from "@agora/trpc-next/server";
