/** Cluster naming: a product fact shared by every producer of `AGORA_DB_URL_*`. */
export const CORE_CLUSTER = "core";
export type ClusterRole = "rw" | "ro";

/** `shard-1` + `ro` → `AGORA_DB_URL_SHARD_1_RO`. */
export function dbUrlEnvName(cluster: string, role: ClusterRole): string {
  return `AGORA_DB_URL_${cluster.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_${role.toUpperCase()}`;
}
