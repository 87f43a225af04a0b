export { appendHistory, readHistory } from "./history.ts";
export type { BenchRun, ProcessUsage, ScenarioResult, TargetVerdict } from "./report/result.ts";
export { formatRun } from "./report/table.ts";
export { SCENARIO_NAMES } from "./scenarios.ts";
// The shopper's HTTP steps, for other drivers of the public API (the soak's workload).
export { BenchHttpError, ShopperClient } from "./journeys/http-client.ts";
export { trpcMutation, trpcQuery } from "./journeys/trpc.ts";
export { placeOrder, type Shopper, signUpAndIn, tokenizeCard } from "./journeys/shopper.ts";
export { type ClientIdentity, identityFor } from "./identity.ts";
