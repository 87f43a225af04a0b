/**
 * Which cluster and role a pg connection's port belongs to, from the process's `AGORA_DB_URL_*`
 * settings: a `_RW` URL reaches the primary (through HAProxy or the chaos fault proxy), a `_RO` URL
 * a replica. Every pg span gets `agora.cluster` + `agora.role`, so a trace shows which shard it hit.
 */
import type { EnvSource } from "@agora/config";

export interface PgEndpoint {
  cluster: string;
  role: "primary" | "replica";
}

const URL_KEY = /^AGORA_DB_URL_([A-Z0-9_]+)_(RW|RO)$/;

export function pgEndpoints(source: EnvSource = process.env): Map<number, PgEndpoint> {
  const byPort = new Map<number, PgEndpoint>();
  for (const [key, value] of Object.entries(source)) {
    const m = URL_KEY.exec(key);
    if (!m?.[1] || !value) continue;
    let port: number;
    try {
      port = Number(new URL(value).port);
    } catch {
      continue; // @agora/db reports a malformed URL with its name; tracing only labels spans
    }
    if (!port) continue;
    // `SHARD_1` → `shard-1` (the inverse of dbUrlEnvName for names made of letters, digits and -).
    const cluster = m[1].toLowerCase().replaceAll("_", "-");
    byPort.set(port, { cluster, role: m[2] === "RW" ? "primary" : "replica" });
  }
  return byPort;
}
