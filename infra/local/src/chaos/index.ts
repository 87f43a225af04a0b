export * from "./node-faults.ts";
export * from "./fault-proxy.ts";
