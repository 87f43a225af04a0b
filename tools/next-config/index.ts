/**
 * The Next.js settings the three apps share; each app's `next.config.ts` adds only what is its own.
 * Required by package name from each `next.config.ts` (Next compiles the TypeScript it requires).
 */
import { resolve } from "node:path";
import type { NextConfig } from "next";

/** Workspace packages every app compiles from TypeScript sources (they ship no builds). */
const WORKSPACE_PACKAGES = ["@agora/api", "@agora/auth", "@agora/trpc-next", "@agora/ui", "@agora/db", "@agora/orders", "@agora/config"];

export function agoraNextConfig(own: { transpilePackages?: string[]; experimental?: NextConfig["experimental"] } = {}): NextConfig {
  return {
    // A private build folder per working copy of the topology (parallel builds of one checkout).
    distDir: process.env.AGORA_NEXT_DIST_DIR ?? ".next",
    transpilePackages: [...WORKSPACE_PACKAGES, ...(own.transpilePackages ?? [])],
    // Native-ish drivers and Prisma's runtime must stay plain Node requires, not bundled.
    serverExternalPackages: ["pg", "@prisma/adapter-pg", "@prisma/client", "ioredis", "@opentelemetry/sdk-trace-node", "@opentelemetry/instrumentation", "@opentelemetry/instrumentation-http", "@opentelemetry/instrumentation-pg", "@opentelemetry/instrumentation-ioredis", "@opentelemetry/instrumentation-undici", "@opentelemetry/exporter-trace-otlp-http", "@prisma/instrumentation"],
    poweredByHeader: false,
    // Types are the `typecheck` task's job (turbo runs `tsc --noEmit` in every app, and `npm test`
    // runs it before building); `next build` repeating it cost ~50 s of CPU per app.
    typescript: { ignoreBuildErrors: true },
    experimental: {
      // Turbopack's build cache only pays off when the same folder is built again; a CI clone
      // never is, and writing it took ~45 s per app there.
      turbopackFileSystemCacheForBuild: process.env.CI !== "true",
      ...own.experimental,
    },
    // Container images (infra/docker): a self-contained server.js with only the node_modules it
    // traces from the monorepo root (`next build` runs in the app folder). `next start` is unchanged.
    ...(process.env.AGORA_NEXT_STANDALONE === "1"
      ? { output: "standalone" as const, outputFileTracingRoot: resolve(process.cwd(), "../..") }
      : {}),
  };
}
