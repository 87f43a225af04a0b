export * from "./etcd.ts";
export * from "./patroni.ts";
export * from "./redis.ts";
export * from "./haproxy.ts";
export * from "./cdn.ts";
