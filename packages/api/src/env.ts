/**
 * What the web apps' servers read at start-up, composed from `@agora/config` (each app's
 * `src/env.ts` calls `loadWebEnv(APP)` from `instrumentation.ts`): a wrong or missing value stops
 * the server with one message naming every variable at fault.
 */
import { type AuthApp, sessionSecretFor } from "@agora/auth";
import {
  appSignInSchema,
  databaseSchema,
  etcdTlsSchema,
  identityClientsStoreSchema,
  loadConfig,
  mediaOriginTokenSchema,
  metricsTargetsSchema,
  metricsTokenSchema,
  nextAuthSchema,
  paymentSimAdminTokenSchema,
  redisSchema,
  runtimeSchema,
  secretsProviderSchema,
  servicesSchema,
  serviceTlsSchema,
  storageSchema,
  telemetryReadSchema,
  telemetrySchema,
  type EnvSource,
} from "@agora/config";
import type { z } from "zod";

/** Each app's public origin: the default NEXTAUTH_URL and the base of links in e-mails. */
export const APP_URL_KEY = {
  storefront: "AGORA_STOREFRONT_URL",
  "vendor-portal": "AGORA_VENDOR_PORTAL_URL",
  "ops-console": "AGORA_OPS_CONSOLE_URL",
} as const satisfies Record<AuthApp, keyof z.infer<typeof servicesSchema>>;

/** The concerns every web app's server needs; an app adds its own (`extra`). */
export function webAppSchemas(app: AuthApp) {
  return {
    runtime: runtimeSchema,
    auth: nextAuthSchema,
    origin: servicesSchema.pick({ [APP_URL_KEY[app]]: true } as Record<
      (typeof APP_URL_KEY)[AuthApp],
      true
    >),
    db: databaseSchema,
    redis: redisSchema,
    telemetry: telemetrySchema,
    /** Required by the app's /api/metrics (its scraper's bearer token). */
    metricsToken: metricsTokenSchema,
    /**
     * People sign in at the identity provider: its issuer is checked at start-up, not at the first
     * sign-in (`appSignInConfig` reads the same schema then).
     */
    signIn: appSignInSchema,
    /** The app's service identity (mutual TLS to the internal planes); required in production. */
    tls: serviceTlsSchema,
    /** The apps use the service registry in etcd: mutual TLS to it in production too. */
    etcdTls: etcdTlsSchema,
    /** Personal data is sealed through the secrets provider; sign-in reads the app's client secret. */
    secrets: secretsProviderSchema,
    identityClients: identityClientsStoreSchema,
  };
}

/**
 * What each app reads besides `webAppSchemas`: in one table, so a deployment (the Kubernetes
 * generator's container environments, checked in tests/deploy) can be held against it.
 */
export const WEB_APP_CONCERNS = {
  storefront: {
    cdn: servicesSchema.pick({ AGORA_CDN_URL: true, AGORA_PAYMENT_PROVIDER_URL: true }),
  },
  "vendor-portal": {
    services: servicesSchema.pick({
      AGORA_CDN_URL: true,
      AGORA_CARRIER_URL: true,
      AGORA_CARRIER_WEBHOOK_URL: true,
      AGORA_MEDIA_ORIGIN_URL: true,
    }),
    storage: storageSchema,
    mediaOrigin: mediaOriginTokenSchema,
  },
  "ops-console": {
    metrics: metricsTargetsSchema,
    services: servicesSchema.pick({ AGORA_PAYMENT_PROVIDER_URL: true }),
    // Bearer tokens of the planes the console reads or drives: collector queries, simulator faults.
    telemetryRead: telemetryReadSchema,
    simAdmin: paymentSimAdminTokenSchema,
  },
} as const satisfies Record<AuthApp, Record<string, z.ZodType>>;

function loadWebEnvWith<E extends Record<string, z.ZodType>>(app: AuthApp, extra: E, source: EnvSource) {
  return loadConfig({ ...webAppSchemas(app), ...extra }, source);
}

/** Validated web-app environment (every concern at once, so one error names every variable). */
export function loadWebEnv<A extends AuthApp>(app: A, source: EnvSource = process.env) {
  return loadWebEnvWith(app, WEB_APP_CONCERNS[app] as (typeof WEB_APP_CONCERNS)[A], source);
}

/** Everything app `app` checks at start-up (its concerns and its auth settings); throws ConfigError. */
export function checkWebEnv(app: AuthApp, source: EnvSource): void {
  loadWebEnv(app, source);
  resolveAuthEnv(app, source);
}

export interface AuthEnv {
  /** The app's own session key, derived from NEXTAUTH_SECRET (`sessionSecretFor`). */
  secret: string;
  /** The session keys of NEXTAUTH_SECRET_PREVIOUS (accepted, never issued). */
  previousSecrets: string[];
  url: string;
  /** Where the values came from, for the start-up log line (never the secret itself). */
  secretSource: "NEXTAUTH_SECRET";
}

/**
 * The app's session key (derived from NEXTAUTH_SECRET for this app only, so no app accepts another
 * app's sessions), and NEXTAUTH_URL or else the app's public origin. next-auth reads NEXTAUTH_URL
 * from process.env itself at request time, so a defaulted URL is written back there.
 */
export function resolveAuthEnv(app: AuthApp, source: EnvSource = process.env): AuthEnv {
  const key = APP_URL_KEY[app];
  const { auth, origin } = loadConfig(
    {
      auth: nextAuthSchema,
      origin: servicesSchema.pick({ [key]: true } as Record<typeof key, true>),
    },
    source,
  );
  const url = auth.NEXTAUTH_URL ?? (origin as Record<string, string>)[key]!;
  if (source === process.env) process.env.NEXTAUTH_URL ??= url;
  return {
    secret: sessionSecretFor(app, auth.NEXTAUTH_SECRET),
    previousSecrets: auth.NEXTAUTH_SECRET_PREVIOUS
      ? [sessionSecretFor(app, auth.NEXTAUTH_SECRET_PREVIOUS)]
      : [],
    url,
    secretSource: "NEXTAUTH_SECRET",
  };
}

const authEnvCache = new Map<AuthApp, AuthEnv>();

/** The app's validated auth settings; resolved on first call, then reused. */
export function loadAuthEnv(app: AuthApp): AuthEnv {
  let resolved = authEnvCache.get(app);
  if (!resolved) {
    resolved = resolveAuthEnv(app);
    authEnvCache.set(app, resolved);
  }
  return resolved;
}
