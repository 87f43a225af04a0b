/**
 * A container's `env`: exactly the variables of the env-table groups its deployable reads. Config
 * values come from the `agora-config` ConfigMap by key, secrets by `secretKeyRef` (values are never
 * rendered), per-container values (port, service name) inline.
 */
import { poolMaxEnv, processKindOf } from "@agora/config";
import type { EnvVar } from "kubernetes-types/core/v1";
import { type Deployable, HTTP_PORT, HTTPS_PORT, METRICS_PORT } from "../deployables.ts";
import { TLS_FILES } from "../security/service-tls-files.ts";
import { IDENTITY_CLIENTS, SECRETS_STORE } from "../security/secrets-store.ts";

/** What decides a container's variables: a deployable, or a one-shot Job reading a few concerns. */
export type EnvConsumer = Pick<Deployable, "env" | "http" | "auth"> & { name: string };
import {
  CONFIG_MAP_NAME,
  type EnvVarSpec,
  SECRETS,
  dbAdminUrlVariable,
  dbUrlVariable,
  variablesOf,
} from "../env-table.ts";
import type { EnvironmentSpec } from "../environments.ts";

const secretOf: Record<string, string> = {
  AGORA_REDIS_PASSWORD: SECRETS.redis,
  AGORA_REDIS_SENTINEL_PASSWORD: SECRETS.redis,
  AGORA_TELEMETRY_INGEST_TOKEN: SECRETS.serviceTokens,
  AGORA_TELEMETRY_READ_TOKEN: SECRETS.serviceTokens,
  AGORA_MEDIA_ORIGIN_TOKEN: SECRETS.serviceTokens,
  AGORA_PAYMENT_SIM_ADMIN_TOKEN: SECRETS.serviceTokens,
  AGORA_PAYMENT_PROVIDER_API_KEY: SECRETS.serviceTokens,
  AGORA_PAYSWIFT_API_KEY: SECRETS.serviceTokens,
  AGORA_METRICS_TOKEN: SECRETS.serviceTokens,
  AGORA_CARRIER_WEBHOOK_SECRET: SECRETS.appSecrets,
  AGORA_INVITATION_SECRET: SECRETS.appSecrets,
  AGORA_IDENTITY_COOKIE_SECRET: SECRETS.appSecrets,
  AGORA_DB_APP_PASSWORD: SECRETS.databaseAdmin,
};

export function clusters(env: EnvironmentSpec): string[] {
  return ["core", ...env.shards];
}

function secretRef(name: string, secret: string, optional = false): EnvVar {
  return {
    name,
    valueFrom: { secretKeyRef: { name: secret, key: name, ...(optional ? { optional } : {}) } },
  };
}

function fromSpec(
  spec: EnvVarSpec,
  d: EnvConsumer,
  env: EnvironmentSpec,
  serviceName: string,
): EnvVar[] {
  if (spec.name.startsWith("AGORA_DB_URL_")) {
    return clusters(env).flatMap((c) =>
      (["rw", "ro"] as const).map((role) => secretRef(dbUrlVariable(c, role), SECRETS.database)),
    );
  }
  if (spec.name.startsWith("AGORA_DB_POOL_MAX_")) {
    // A process kind that reads the database without a budget would size its own pools.
    const kind = processKindOf(d.name);
    if (!kind) throw new Error(`${d.name} reads the database but has no connection budget`);
    const value = poolMaxEnv(kind)[spec.name];
    return value === undefined ? [] : [{ name: spec.name, value }];
  }
  if (spec.name.startsWith("AGORA_DB_ADMIN_URL_")) {
    return clusters(env).map((c) => secretRef(dbAdminUrlVariable(c), SECRETS.databaseAdmin));
  }
  if (spec.name === "NEXTAUTH_SECRET") {
    if (!d.auth) throw new Error(`${d.name} reads NEXTAUTH_SECRET but names no app`);
    return [
      {
        name: spec.name,
        valueFrom: { secretKeyRef: { name: SECRETS.nextAuth(d.auth), key: spec.name } },
      },
    ];
  }
  switch (spec.source) {
    case "config":
      return [
        {
          name: spec.name,
          valueFrom: { configMapKeyRef: { name: CONFIG_MAP_NAME, key: spec.name } },
        },
      ];
    case "secret": {
      const secret = secretOf[spec.name];
      if (!secret) throw new Error(`no Secret declared for ${spec.name}`);
      return [secretRef(spec.name, secret, spec.optional)];
    }
    case "container":
      return [{ name: spec.name, value: containerValue(spec.name, d, serviceName) }];
  }
}

function containerValue(name: string, d: EnvConsumer, serviceName: string): string {
  switch (name) {
    case "HOST":
      return "0.0.0.0";
    case "PORT":
      return String(HTTP_PORT);
    case "AGORA_METRICS_PORT":
      return String(METRICS_PORT);
    case "AGORA_SERVICE_NAME":
      return serviceName;
    // The pod's service identity Secret (security/service-identity.ts): the same pair is its
    // client certificate to Redis and etcd, and its CA is the one their certificates chain to.
    case "AGORA_TLS_CA_FILE":
    case "AGORA_REDIS_TLS_CA_FILE":
    case "AGORA_ETCD_CA_FILE":
      return requireIdentity(d, name, TLS_FILES.ca);
    case "AGORA_TLS_CERT_FILE":
    case "AGORA_REDIS_TLS_CERT_FILE":
    case "AGORA_ETCD_CERT_FILE":
      return requireIdentity(d, name, TLS_FILES.cert);
    case "AGORA_TLS_KEY_FILE":
    case "AGORA_REDIS_TLS_KEY_FILE":
    case "AGORA_ETCD_KEY_FILE":
      return requireIdentity(d, name, TLS_FILES.key);
    case "AGORA_SECRETS_DIR":
      return SECRETS_STORE.mount;
    case "AGORA_IDENTITY_CLIENTS_DIR":
      return IDENTITY_CLIENTS.mount;
    case "PAYMENT_SIM_TLS_PORT":
    case "AGORA_TELEMETRY_QUERY_PORT":
      return String(HTTPS_PORT);
    default:
      throw new Error(`no per-container value for ${name} (${d.name})`);
  }
}

/** The TLS files are the service identity's: a consumer without one would get no such file. */
function requireIdentity(d: EnvConsumer, name: string, path: string): string {
  if (!d.env.includes("service-tls"))
    throw new Error(`${d.name} reads ${name} but has no service identity (env group service-tls)`);
  return path;
}

export function containerEnv(d: EnvConsumer, env: EnvironmentSpec, serviceName: string): EnvVar[] {
  const vars = d.env
    .flatMap((group) => variablesOf(group))
    .flatMap((spec) => fromSpec(spec, d, env, serviceName));
  // Processes without an HTTP API have no PORT to listen on.
  return d.http ? vars : vars.filter((v) => v.name !== "PORT");
}
