export * from "./slo/burn-rate.ts";
export * from "./slo/journeys.ts";
export * from "./rules/sample.ts";
export * from "./rules/definitions.ts";
export * from "./rules/alert-state.ts";
export * from "./routing/silences.ts";
export * from "./routing/notifications.ts";
export * from "./slo/sli-window.ts";
