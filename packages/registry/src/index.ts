export { etcdClientOptions, etcdCredentials, registryClient, type EtcdTlsFiles } from "./client.ts";
export { callsInFlight, callStarted, isDraining, markDraining } from "./drain.ts";
export { Membership, type MembershipEvent } from "./membership.ts";
export { readinessGate, type ReadinessGate } from "./readiness-gate.ts";
export {
  hostPort,
  instanceKey,
  parseInstance,
  RegistryRecordError,
  serviceInstanceSchema,
  servicePrefix,
  servicesRoot,
  type ServiceInstance,
} from "./record.ts";
export { register, type RegisterOptions, type Registration } from "./registration.ts";
export { selfRegistration, type SelfRegistration } from "./self-registration.ts";
export { watchServices, type ServiceWatch, type WatchOptions } from "./watch.ts";
export { registerFromEnv } from "./from-env.ts";
