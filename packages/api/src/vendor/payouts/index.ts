export * from "./payout-contract.ts";
