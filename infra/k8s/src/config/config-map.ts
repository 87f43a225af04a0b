/**
 * The namespace's `agora-config` ConfigMap: every `config` variable of the env table with its value
 * for this environment. Values are derived from the in-cluster names the generator itself creates
 * (Services, StatefulSet pods), so an address is written in one place only.
 */
import type { ConfigMap } from "kubernetes-types/core/v1";
import { DEPLOYABLES, HTTP_PORT, HTTPS_PORT, METRICS_PORT } from "../deployables.ts";
import { CONFIG_MAP_NAME, ENV_TABLE } from "../env-table.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { metadata, serviceHost, workloadName } from "../meta.ts";
import { etcdClientUrls } from "../data/etcd.ts";
import { REDIS, sentinelAddresses } from "../data/redis.ts";

/** Mount point of the shared storage volume in every pod that has it. */
export const STORAGE_MOUNT = "/var/lib/agora/storage";

export function configValues(env: EnvironmentSpec): Record<string, string> {
  const internal = (service: string) => `http://${serviceHost(env, service)}:${HTTP_PORT}`;
  // Mutual-TLS APIs: callers verify the Service name against its certificate and present theirs.
  const mutual = (service: string) => `https://${serviceHost(env, service)}:${HTTPS_PORT}`;
  // Worker-image processes serve /metrics on their ops port, the Next.js apps on /api/metrics.
  // A target is a Service: each scrape reaches one pod of it, which is what the console charts.
  const metricsTargets = Object.values(DEPLOYABLES).flatMap((d) => {
    const name = workloadName(d.name);
    if (d.metrics) return [`${name}=http://${serviceHost(env, name)}:${METRICS_PORT}/metrics`];
    if (d.tier === "web")
      return [`${name}=http://${serviceHost(env, name)}:${HTTP_PORT}/api/metrics`];
    return [];
  });
  const values: Record<string, string> = {
    AGORA_ENV: env.agoraEnv,
    AGORA_DB_SHARDS: env.shards.join(","),
    AGORA_REDIS_SENTINELS: sentinelAddresses(env).join(","),
    AGORA_REDIS_MASTER_NAME: REDIS.masterName,
    AGORA_ETCD_ENDPOINTS: etcdClientUrls(env).join(","),
    AGORA_ETCD_PREFIX: `/agora-${env.name}/`,
    AGORA_TELEMETRY_URL: internal("telemetry-collector"),
    AGORA_STOREFRONT_URL: `https://${env.hosts.storefront}`,
    AGORA_VENDOR_PORTAL_URL: `https://${env.hosts.vendorPortal}`,
    AGORA_OPS_CONSOLE_URL: `https://${env.hosts.opsConsole}`,
    AGORA_CDN_URL: `https://${env.hosts.cdn}`,
    AGORA_IDENTITY_ISSUER: `https://${env.hosts.identity}`,
    AGORA_MEDIA_ORIGIN_URL: internal("media-origin"),
    AGORA_INVENTORY_TARGET: `dns:///${serviceHost(env, "inventory")}:${HTTP_PORT}`,
    AGORA_STORAGE_DIR: STORAGE_MOUNT,
    AGORA_PAYMENT_PROVIDER_URL: mutual("payment-sim"),
    AGORA_PAYSWIFT_URL: `${mutual("payment-sim")}/payswift`,
    AGORA_CARRIER_URL: mutual("payment-sim"),
    AGORA_TELEMETRY_QUERY_URL: mutual("telemetry-collector"),
    AGORA_CARRIER_WEBHOOK_URL: `${internal(workloadName("payments"))}/carrier/webhook`,
    AGORA_METRICS_TARGETS: metricsTargets.join(","),
  };
  // Keep the ConfigMap and the table in lock-step: a key without a table row is a bug, and so is a
  // `config` row without a value.
  const configRows = ENV_TABLE.filter((v) => v.source === "config").map((v) => v.name);
  const missing = configRows.filter((n) => !(n in values));
  const extra = Object.keys(values).filter((n) => !configRows.includes(n));
  if (missing.length || extra.length) {
    throw new Error(
      `agora-config out of step with the env table: missing ${missing}, extra ${extra}`,
    );
  }
  return values;
}

export function configMap(env: EnvironmentSpec): ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: metadata(env, CONFIG_MAP_NAME),
    data: configValues(env),
  };
}
