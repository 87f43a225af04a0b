/**
 * Service identities for mutual TLS between Agora's own processes: each process kind gets one pair
 * from the state folder's CA, its service name as the subject (CN and a DNS name), good as a
 * server and as a client. Servers of internal planes (the inventory gRPC service, the telemetry
 * collector's query API) present it and refuse a client without a certificate from the same CA;
 * their callers present theirs. Instances of one kind share the pair (as replicas of one
 * Deployment would share a Secret).
 */
import type { TlsFiles } from "./tls-files.ts";
import type { Topology } from "../topology.ts";
import { join } from "node:path";

export const SERVICE_IDENTITIES = [
  "storefront",
  "vendor-portal",
  "ops-console",
  "identity",
  "payment-sim",
  "telemetry-collector",
  "media-origin",
  "workers",
  "realtime",
  "inventory",
  /** Vitest, Playwright's setup and the CLIs: a client of every internal plane. */
  "test-runner",
] as const;
export type ServiceIdentity = (typeof SERVICE_IDENTITIES)[number];

/**
 * `storefront-2` and `storefront-us-1` (a remote region's) → `storefront`, `workers-sagas` →
 * `workers`, `inventory-1` → `inventory`.
 */
export function serviceIdentityOf(processName: string): ServiceIdentity | undefined {
  if (/^storefront-([a-z]+-)?\d+$/.test(processName)) return "storefront";
  if (/^realtime-\d+$/.test(processName)) return "realtime";
  if (/^inventory(-\d+)?$/.test(processName)) return "inventory";
  if (processName.startsWith("workers-") || processName === "outbox-relay") return "workers";
  return (SERVICE_IDENTITIES as readonly string[]).includes(processName)
    ? (processName as ServiceIdentity)
    : undefined;
}

/** The pair of one service identity, in `<state>/pki/service-<name>.{crt,key}`. */
export function serviceIdentityFiles(t: Pick<Topology, "pki">, identity: ServiceIdentity): TlsFiles {
  return {
    cert: join(t.pki.dir, `service-${identity}.crt`),
    key: join(t.pki.dir, `service-${identity}.key`),
    ca: t.pki.caCert,
  };
}
