/**
 * What one instance says about itself in the registry, and where it says it: the key
 * `<prefix>services/<service>/<instanceId>` holds a JSON `ServiceInstance`, attached to the
 * instance's lease so it disappears when the instance stops renewing it.
 */
import { z } from "zod";

/** Service and instance names: safe in an etcd key, an HAProxy server name and a log line. */
const name = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "lower-case letters, digits, '.', '_', '-'");

export const serviceInstanceSchema = z.object({
  service: name,
  instanceId: name,
  /** host:port where the instance serves its traffic. */
  address: z.string().regex(/^[^\s:]+:\d{1,5}$/, "host:port"),
  version: z.string().min(1).max(64),
  region: z.string().regex(/^[a-z0-9-]{1,32}$/),
  /** Whether it takes new traffic now (warmed up, not draining, its own dependencies answer). */
  ready: z.boolean(),
  /**
   * Told to stop and finishing its requests: never routed again, not even by a load balancer that
   * fails open because no instance is ready (a not-ready instance that is not draining may be).
   */
  draining: z.boolean().optional(),
  /** When this lease was granted (ISO); a new lease after a lost one restarts it. */
  registeredAt: z.iso.datetime(),
  pid: z.number().int().positive().optional(),
});
export type ServiceInstance = z.infer<typeof serviceInstanceSchema>;

export class RegistryRecordError extends Error {
  readonly code = "REGISTRY_RECORD_INVALID";
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`registry record ${key} is invalid: ${reason}`);
  }
}

/** `<prefix>services/`: prefix is the topology's etcd namespace (AGORA_ETCD_PREFIX, ends in `/`). */
export const servicesRoot = (prefix: string): string => `${prefix}services/`;
export const servicePrefix = (prefix: string, service: string): string => `${servicesRoot(prefix)}${service}/`;
export const instanceKey = (prefix: string, service: string, instanceId: string): string =>
  `${servicePrefix(prefix, service)}${instanceId}`;

/** The record under `key`, validated; the key's last two segments must agree with its content. */
export function parseInstance(key: string, value: string): ServiceInstance {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (err) {
    throw new RegistryRecordError(key, err instanceof Error ? err.message : String(err));
  }
  const r = serviceInstanceSchema.safeParse(json);
  if (!r.success) throw new RegistryRecordError(key, r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const [service, instanceId] = key.split("/").slice(-2);
  if (r.data.service !== service || r.data.instanceId !== instanceId)
    throw new RegistryRecordError(key, `names ${r.data.service}/${r.data.instanceId}, stored under ${service}/${instanceId}`);
  return r.data;
}

/** Instance address split for a load balancer's `set server addr … port …`. */
export function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(":");
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}
