import type { NextConfig } from "next";

const config: NextConfig = {
  // A private build folder per working copy of the topology (parallel builds of one checkout).
  distDir: process.env.AGORA_NEXT_DIST_DIR ?? ".next",
  // Workspace packages ship TypeScript sources, not builds: Next compiles them with the app.
  transpilePackages: ["@agora/api", "@agora/auth", "@agora/trpc-next", "@agora/ui", "@agora/db", "@agora/orders", "@agora/config"],
  // Native-ish drivers and Prisma's runtime must stay plain Node requires, not bundled.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "@prisma/client", "ioredis", "@opentelemetry/sdk-trace-node", "@opentelemetry/instrumentation", "@opentelemetry/instrumentation-http", "@opentelemetry/instrumentation-pg", "@opentelemetry/instrumentation-ioredis", "@opentelemetry/instrumentation-undici", "@opentelemetry/exporter-trace-otlp-http", "@prisma/instrumentation"],
  poweredByHeader: false,
  // `forbidden()` from next/navigation: owner-only pages answer staff with HTTP 403 (app/forbidden.tsx).
  experimental: { authInterrupts: true },
};

export default config;
