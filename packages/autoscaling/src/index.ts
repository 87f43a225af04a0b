export * from "./policy.ts";
export * from "./replica-calculator.ts";
export * from "./horizontal.ts";
export * from "./activation.ts";
