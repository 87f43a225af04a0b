/**
 * The console's Services page: every live instance in the service registry (etcd) — service, id,
 * address, version, region, readiness and how long its current lease has been held. One read of
 * the registry prefix per call (the page polls), through one client kept for the process.
 */
import { etcdSchema, loadConfig } from "@agora/config";
import { type ServiceInstance, parseInstance, registryClient, servicesRoot } from "@agora/registry";
import { createLogger } from "@agora/telemetry";

const log = createLogger({ service: "ops-services" });

export interface ServiceInstanceView extends ServiceInstance {
  /** Seconds since this instance's current lease was granted. */
  leaseAgeS: number;
}

export interface ServicesOverview {
  /** False when etcd did not answer: the list is then empty, not "no instances". */
  reachable: boolean;
  instances: ServiceInstanceView[];
  /** Per service: instances registered and ready. */
  services: { service: string; registered: number; ready: number }[];
  at: Date;
}

type Registry = { etcd: ReturnType<typeof registryClient>; prefix: string };
let client: Registry | undefined;
function registry(): Registry {
  if (!client) {
    const { etcd } = loadConfig({ etcd: etcdSchema });
    client = { etcd: registryClient(etcd.AGORA_ETCD_ENDPOINTS, 1_500), prefix: etcd.AGORA_ETCD_PREFIX };
  }
  return client;
}

export async function servicesOverview(now = new Date()): Promise<ServicesOverview> {
  const { etcd, prefix } = registry();
  let kvs: Record<string, string>;
  try {
    kvs = await etcd.getAll().prefix(servicesRoot(prefix)).strings();
  } catch (err) {
    log.warn({ err }, "service registry unreachable");
    return { reachable: false, instances: [], services: [], at: now };
  }
  const instances: ServiceInstanceView[] = [];
  for (const [key, value] of Object.entries(kvs)) {
    try {
      const i = parseInstance(key, value);
      instances.push({ ...i, leaseAgeS: Math.max(0, Math.round((now.getTime() - Date.parse(i.registeredAt)) / 1000)) });
    } catch (err) {
      log.warn({ err, key }, "invalid registry record left out");
    }
  }
  instances.sort((a, b) => a.service.localeCompare(b.service) || a.instanceId.localeCompare(b.instanceId, "en", { numeric: true }));
  const byService = new Map<string, { service: string; registered: number; ready: number }>();
  for (const i of instances) {
    const s = byService.get(i.service) ?? { service: i.service, registered: 0, ready: 0 };
    s.registered += 1;
    if (i.ready) s.ready += 1;
    byService.set(i.service, s);
  }
  return { reachable: true, instances, services: [...byService.values()], at: now };
}
