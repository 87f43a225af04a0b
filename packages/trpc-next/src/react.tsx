"use client";

import type { AppRouter } from "@agora/api";
import { type QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { isEdgeCacheable } from "@agora/api/edge-cache";
import { createTRPCClient, httpBatchStreamLink, httpLink, loggerLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import superjson from "superjson";
import { MAX_BATCH_SIZE } from "./limits.ts";
import { createQueryClient } from "./query-client.ts";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

let browserQueryClient: QueryClient | undefined;

function getQueryClient(): QueryClient {
  // On the server every request needs its own cache; in the browser one cache lives for the tab.
  if (typeof window === "undefined") return createQueryClient();
  browserQueryClient ??= createQueryClient();
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        loggerLink({
          enabled: (op) =>
            process.env.NODE_ENV === "development" ||
            (op.direction === "down" && op.result instanceof Error),
        }),
        // Public catalog reads go one per GET with a stable URL, which the edge cache can keep
        // (edge-cache.ts); everything else is batched and streamed.
        splitLink({
          condition: (op) => op.type === "query" && isEdgeCacheable(op.path),
          true: httpLink({ transformer: superjson, url: "/api/trpc" }),
          false: httpBatchStreamLink({
            transformer: superjson,
            url: "/api/trpc",
            // The route handler refuses larger batches; the link splits them instead.
            maxItems: MAX_BATCH_SIZE,
            headers: () => ({ "x-trpc-source": "nextjs-react" }),
          }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
