import { describe, expect, it } from "vitest";
import { PUBLIC_PROCEDURES } from "../auth/public-procedures.ts";
import { appRouter } from "../root.ts";
import { EDGE_CACHE_SECONDS, edgeCacheControl } from "./edge-cache.ts";

const query = { type: "query" as const, errorCount: 0, eager: false };

describe("edge cache policy", () => {
  it("lists only public queries: nothing signed-in or writing can ever be kept by a shared cache", () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>;
    for (const path of Object.keys(EDGE_CACHE_SECONDS)) {
      expect(PUBLIC_PROCEDURES, path).toContain(path);
      expect(procedures[path]?._def.type, path).toBe("query");
    }
  });

  it("marks a public read for shared caches only, for its own number of seconds", () => {
    expect(edgeCacheControl({ ...query, paths: ["catalog.product"] })).toBe("public, s-maxage=2");
    expect(edgeCacheControl({ ...query, paths: ["catalog.home"] })).toBe("public, s-maxage=10");
  });

  it("gives a batch of public reads the shortest of their times", () => {
    expect(edgeCacheControl({ ...query, paths: ["catalog.home", "catalog.product"] })).toBe(
      "public, s-maxage=2",
    );
  });

  it("leaves uncached: a batch with any private call, an error, a mutation, a streamed answer", () => {
    expect(edgeCacheControl({ ...query, paths: ["catalog.home", "cart.get"] })).toBeUndefined();
    expect(edgeCacheControl({ ...query, paths: ["catalog.product"], errorCount: 1 })).toBeUndefined();
    expect(edgeCacheControl({ ...query, paths: ["catalog.product"], type: "mutation" })).toBeUndefined();
    expect(edgeCacheControl({ ...query, paths: ["catalog.product"], eager: true })).toBeUndefined();
    expect(edgeCacheControl({ ...query, paths: [] })).toBeUndefined();
    expect(edgeCacheControl({ ...query, paths: undefined })).toBeUndefined();
  });
});
