export * from "./import-contract.ts";
