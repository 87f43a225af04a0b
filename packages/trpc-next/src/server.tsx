import { createCallerFactory, createTRPCContext } from "@agora/api";
import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { type AnyTRPCRouter, TRPCError } from "@trpc/server";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { createQueryClient } from "./query-client.ts";

type Session = Parameters<typeof createTRPCContext>[0]["session"];
type Context = Awaited<ReturnType<typeof createTRPCContext>>;

/**
 * Server-component helpers for one app. Call once at module scope (in a `server-only` file) with
 * the app's router (APP_ROUTERS of @agora/api) and its way of reading the request's session.
 */
export function createServerTrpc<TRouter extends AnyTRPCRouter>(
  router: TRouter,
  currentSession: () => Promise<Session>,
) {
  // Typed by the concrete router: through the generic parameter the factory's result is `any`-ish.
  type Caller = ReturnType<TRouter["createCaller"]>;
  const createCaller = createCallerFactory(router) as unknown as (ctx: Context) => Caller;
  /** One context and one query cache per request, shared by every server component that asks. */
  const createContext = cache(async () => {
    const heads = new Headers(await headers());
    heads.set("x-trpc-source", "rsc");
    return createTRPCContext({ headers: heads, session: await currentSession() });
  });
  const getQueryClient = cache(createQueryClient);
  return {
    /** For prefetching: `await getQueryClient().prefetchQuery(trpc.x.queryOptions())`. */
    trpc: createTRPCOptionsProxy<TRouter>({
      router,
      ctx: createContext,
      queryClient: getQueryClient,
    }),
    /** Direct in-process calls from server components (no HTTP hop). */
    api: async (): Promise<Caller> => createCaller(await createContext()),
    getQueryClient,
    /** Hands the server's prefetched queries to the client components below it. */
    HydrateClient: ({ children }: { children: ReactNode }) => (
      <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>
    ),
  };
}

export type Unavailable = { ok: false; reason: string };

/**
 * Runs a server-side call and turns SERVICE_UNAVAILABLE (database down, failover in progress)
 * into a value the page can render; every other error still reaches the error boundary.
 */
export async function orUnavailable<T>(
  call: Promise<T>,
): Promise<{ ok: true; data: T } | Unavailable> {
  try {
    return { ok: true, data: await call };
  } catch (err) {
    if (err instanceof TRPCError && err.code === "SERVICE_UNAVAILABLE") {
      return { ok: false, reason: err.message };
    }
    throw err;
  }
}
