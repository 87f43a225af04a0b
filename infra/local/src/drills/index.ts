export * from "./failover.ts";
export * from "./redis-failover.ts";
export * from "./etcd-failover.ts";
export * from "./false-failover.ts";
export { longestWriteGap } from "./write-gap.ts";
export * from "./region-failover.ts";
