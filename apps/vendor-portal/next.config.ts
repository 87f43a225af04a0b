import { resolve } from "node:path";
import type { NextConfig } from "next";

const config: NextConfig = {
  // A private build folder per working copy of the topology (parallel builds of one checkout).
  distDir: process.env.AGORA_NEXT_DIST_DIR ?? ".next",
  // Workspace packages ship TypeScript sources, not builds: Next compiles them with the app.
  transpilePackages: ["@agora/api", "@agora/auth", "@agora/trpc-next", "@agora/ui", "@agora/db", "@agora/orders", "@agora/config"],
  // Native-ish drivers and Prisma's runtime must stay plain Node requires, not bundled.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@prisma/client", "ioredis", "@opentelemetry/sdk-trace-node", "@opentelemetry/instrumentation", "@opentelemetry/instrumentation-http", "@opentelemetry/instrumentation-pg", "@opentelemetry/instrumentation-ioredis", "@opentelemetry/instrumentation-undici", "@opentelemetry/exporter-trace-otlp-http", "@prisma/instrumentation"],
  poweredByHeader: false,
  // Container images (infra/docker): a self-contained server.js with only the node_modules it
  // traces from the monorepo root (`next build` runs in the app folder). `next start` is unchanged.
  ...(process.env.AGORA_NEXT_STANDALONE === "1"
    ? { output: "standalone" as const, outputFileTracingRoot: resolve(process.cwd(), "../..") }
    : {}),
  // `forbidden()` from next/navigation: owner-only pages answer staff with HTTP 403 (app/forbidden.tsx).
  experimental: { authInterrupts: true },
};

export default config;
