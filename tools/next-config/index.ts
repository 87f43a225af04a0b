/**
 * The Next.js settings the three apps share; each app's `next.config.ts` adds only what is its own.
 * Required by package name from each `next.config.ts` (Next compiles the TypeScript it requires).
 */
import { resolve } from "node:path";
import type { NextConfig } from "next";

/** Workspace packages every app compiles from TypeScript sources (they ship no builds). */
const WORKSPACE_PACKAGES = [
  "@agora/api",
  "@agora/auth",
  "@agora/trpc-next",
  "@agora/ui",
  "@agora/db",
  "@agora/orders",
  "@agora/config",
  "@agora/registry",
];

/**
 * Headers on every response of every app (pages, route handlers, static files). Framing is
 * refused twice (CSP frame-ancestors for current browsers, X-Frame-Options for old ones): no page,
 * the ops console's chaos controls included, may be put in another site's frame. The CSP holds
 * only directives that cannot break Next's own scripts; a script-src policy would need nonces
 * on every inline script Next writes and a browser test to prove it, so it is not set here.
 */
export const SECURITY_HEADERS: readonly { key: string; value: string }[] = [
  {
    key: "Content-Security-Policy",
    value: "frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
  },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  {
    key: "Permissions-Policy",
    value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
  },
];

/**
 * Strict-Transport-Security only on responses that went out over HTTPS: the TLS-terminating edge
 * says so with X-Forwarded-Proto. Browsers ignore the header over plain HTTP, so a client that
 * sends the header itself gains nothing, and local HTTP never pins a host to HTTPS.
 */
export const HSTS_HEADER = {
  key: "Strict-Transport-Security",
  value: "max-age=31536000; includeSubDomains",
};

export function agoraNextConfig(
  own: { transpilePackages?: string[]; experimental?: NextConfig["experimental"] } = {},
): NextConfig {
  return {
    // A private build folder per working copy of the topology (parallel builds of one checkout).
    distDir: process.env.AGORA_NEXT_DIST_DIR ?? ".next",
    transpilePackages: [...WORKSPACE_PACKAGES, ...(own.transpilePackages ?? [])],
    // Native-ish drivers and Prisma's runtime must stay plain Node requires, not bundled.
    serverExternalPackages: [
      "pg",
      "@prisma/adapter-pg",
      "@prisma/client",
      "ioredis",
      // gRPC client of the service registry (etcd v3).
      "etcd3",
      "@opentelemetry/sdk-trace-node",
      "@opentelemetry/instrumentation",
      "@opentelemetry/instrumentation-http",
      "@opentelemetry/instrumentation-pg",
      "@opentelemetry/instrumentation-ioredis",
      "@opentelemetry/instrumentation-undici",
      "@opentelemetry/exporter-trace-otlp-http",
      "@prisma/instrumentation",
    ],
    poweredByHeader: false,
    async headers() {
      return [
        { source: "/:path*", headers: [...SECURITY_HEADERS] },
        {
          source: "/:path*",
          has: [{ type: "header" as const, key: "x-forwarded-proto", value: "https" }],
          headers: [HSTS_HEADER],
        },
      ];
    },
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
