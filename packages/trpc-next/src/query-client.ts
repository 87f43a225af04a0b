import { QueryClient } from "@tanstack/react-query";
import superjson from "superjson";

/** One factory for the browser and the server, so dehydrated data round-trips through superjson. */
export function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // With SSR, refetching immediately on the client would only repeat the server's work.
      queries: { staleTime: 30_000 },
      dehydrate: { serializeData: superjson.serialize },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}
