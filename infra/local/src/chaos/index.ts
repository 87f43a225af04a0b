export * from "./node-faults.ts";
export * from "./fault-proxy.ts";
export { RELAY_LEADER_TARGET, relayLeaderId, relayLeaderProcess } from "./relay-leader.ts";
