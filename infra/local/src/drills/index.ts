export * from "./failover.ts";
