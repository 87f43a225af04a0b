export { GatewaySync, type GatewaySyncOptions } from "./gateway-sync.ts";
export { planBackend, type BackendPlan } from "./membership-plan.ts";
export { parseServersState, runtimeCommand, RuntimeApiError, saveServerState, serversState, type ServerSlot } from "./runtime-api.ts";
export { runtimeSocketOf, serverStateFileOf } from "../config/haproxy.ts";
export { restoreConfiguredRouting } from "./configured-routing.ts";
