/** Redis passwords and the internal planes' bearer tokens: what each environment must provide. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../load-config.ts";
import { configErrorOf } from "../testing.ts";
import { redisSchema } from "./redis.ts";
import {
  DEV_PAYMENT_PROVIDER_API_KEY,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  DEV_PAYSWIFT_API_KEY,
} from "./secrets.ts";
import {
  mediaOriginTokenSchema,
  metricsTokenSchema,
  paymentProviderKeySchema,
  payswiftApiKeySchema,
  paymentSimAdminTokenSchema,
} from "./service-tokens.ts";
import { telemetryCollectorSchema, telemetrySchema } from "./telemetry.ts";

const OWN = "9f2c1e7a5b3d4c6e8f0a1b2c3d4e5f60";
const redis = { AGORA_REDIS_SENTINELS: "127.0.0.1:1", AGORA_REDIS_MASTER_NAME: "agora" };

describe("Redis password and TLS", () => {
  it("are required in production, naming the variables", () => {
    const err = configErrorOf(() => loadConfig(redisSchema, { ...redis, AGORA_ENV: "production" }));
    expect(err.variables).toEqual([
      "AGORA_REDIS_PASSWORD",
      "AGORA_REDIS_TLS_CA_FILE",
      "AGORA_REDIS_TLS_CERT_FILE",
      "AGORA_REDIS_TLS_KEY_FILE",
    ]);
  });

  it("takes the CA and the client pair together, in every environment", () => {
    const ca = { AGORA_REDIS_TLS_CA_FILE: "/var/run/agora/tls/ca.crt" };
    expect(configErrorOf(() => loadConfig(redisSchema, { ...redis, ...ca })).variables).toEqual([
      "AGORA_REDIS_TLS_CERT_FILE",
      "AGORA_REDIS_TLS_KEY_FILE",
    ]);
    const pair = {
      ...ca,
      AGORA_REDIS_TLS_CERT_FILE: "/tls/tls.crt",
      AGORA_REDIS_TLS_KEY_FILE: "/tls/tls.key",
    };
    const cfg = loadConfig(redisSchema, { ...redis, ...pair });
    expect(cfg.AGORA_REDIS_TLS_CERT_FILE).toBe("/tls/tls.crt");
    expect(loadConfig(redisSchema, redis).AGORA_REDIS_TLS_CA_FILE).toBeUndefined();
  });

  it("is passed on with the Sentinels' own password, and never echoed", () => {
    const cfg = loadConfig(redisSchema, {
      ...redis,
      AGORA_ENV: "production",
      AGORA_REDIS_PASSWORD: OWN,
      AGORA_REDIS_SENTINEL_PASSWORD: OWN,
      AGORA_REDIS_TLS_CA_FILE: "/var/run/agora/tls/ca.crt",
      AGORA_REDIS_TLS_CERT_FILE: "/var/run/agora/tls/tls.crt",
      AGORA_REDIS_TLS_KEY_FILE: "/var/run/agora/tls/tls.key",
    });
    expect([cfg.AGORA_REDIS_PASSWORD, cfg.AGORA_REDIS_SENTINEL_PASSWORD]).toEqual([OWN, OWN]);
    const err = configErrorOf(() => loadConfig(redisSchema, { AGORA_REDIS_PASSWORD: OWN }));
    expect(err.message).not.toContain(OWN);
  });
});

describe("internal bearer tokens", () => {
  const schemas = {
    AGORA_MEDIA_ORIGIN_TOKEN: mediaOriginTokenSchema,
    AGORA_PAYMENT_SIM_ADMIN_TOKEN: paymentSimAdminTokenSchema,
    AGORA_PAYMENT_PROVIDER_API_KEY: paymentProviderKeySchema,
    AGORA_PAYSWIFT_API_KEY: payswiftApiKeySchema,
    AGORA_METRICS_TOKEN: metricsTokenSchema,
  };

  it("refuses a missing or short token in every environment, naming it and never echoing it", () => {
    for (const [name, schema] of Object.entries(schemas)) {
      expect(configErrorOf(() => loadConfig(schema, {})).variables).toEqual([name]);
      const err = configErrorOf(() => loadConfig(schema, { [name]: "short-token" }));
      expect(err.variables).toEqual([name]);
      expect(err.message).not.toContain("short-token");
    }
  });

  it("refuses the in-process simulators' repository tokens in production", () => {
    for (const [name, value] of [
      ["AGORA_PAYMENT_SIM_ADMIN_TOKEN", DEV_PAYMENT_SIM_ADMIN_TOKEN],
      ["AGORA_PAYMENT_PROVIDER_API_KEY", DEV_PAYMENT_PROVIDER_API_KEY],
      ["AGORA_PAYSWIFT_API_KEY", DEV_PAYSWIFT_API_KEY],
    ] as const) {
      const err = configErrorOf(() =>
        loadConfig(schemas[name], { AGORA_ENV: "production", [name]: value }),
      );
      expect(err.message).toMatch(/development default/);
      const parsed: Record<string, unknown> = loadConfig(schemas[name], {
        AGORA_ENV: "test",
        [name]: value,
      });
      expect(parsed[name]).toBe(value);
    }
  });

  it("asks every shipper for the collector's ingest token once telemetry is on", () => {
    const url = { AGORA_TELEMETRY_URL: "http://127.0.0.1:9" };
    expect(configErrorOf(() => loadConfig(telemetrySchema, url)).variables).toEqual([
      "AGORA_TELEMETRY_INGEST_TOKEN",
    ]);
    expect(
      loadConfig(telemetrySchema, { ...url, AGORA_TELEMETRY_INGEST_TOKEN: OWN })
        .AGORA_TELEMETRY_INGEST_TOKEN,
    ).toBe(OWN);
    expect(loadConfig(telemetrySchema, {}).AGORA_TELEMETRY_URL).toBeUndefined();
    expect(configErrorOf(() => loadConfig(telemetryCollectorSchema, {})).variables.sort()).toEqual([
      "AGORA_TELEMETRY_INGEST_TOKEN",
      "AGORA_TELEMETRY_READ_TOKEN",
    ]);
  });
});
