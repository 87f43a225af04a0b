/**
 * Bearer tokens of the internal planes other than telemetry: each one is shared by exactly the
 * server that checks it and the processes that call it.
 */
import { secretsSchema, serviceToken } from "./secrets.ts";

/** Media origin's purge and stats (`DELETE /cache/…`, `GET /stats`): the origin and the vendor portal. */
export const mediaOriginTokenSchema = secretsSchema({
  AGORA_MEDIA_ORIGIN_TOKEN: serviceToken,
});

/** The payment simulator's admin API (faults, ledger): the simulator, the ops console, tests. */
export const paymentSimAdminTokenSchema = secretsSchema({
  AGORA_PAYMENT_SIM_ADMIN_TOKEN: serviceToken,
});

/**
 * The payment provider's server API key (`/v1/payments…`, like a provider's secret key): the
 * provider and the payments pool. The browser's card step needs none.
 */
export const paymentProviderKeySchema = secretsSchema({
  AGORA_PAYMENT_PROVIDER_API_KEY: serviceToken,
});

/** PaySwift's API key (`X-PaySwift-Key`), the second payment provider: it and the payments pool. */
export const payswiftApiKeySchema = secretsSchema({
  AGORA_PAYSWIFT_API_KEY: serviceToken,
});

/** What a `/metrics` scraper sends and the apps' `/api/metrics` require. */
export const metricsTokenSchema = secretsSchema({
  AGORA_METRICS_TOKEN: serviceToken,
});
