export * from "../launcher.ts";
export * from "./registry.ts";
export { StartupError, waitFor } from "./wait.ts";
export { freePort } from "./free-port.ts";
