/** Agora's scalable targets: the scaling table and the policies both autoscalers evaluate. */
export * from "./scaling-table.ts";
export * from "./target-policies.ts";
