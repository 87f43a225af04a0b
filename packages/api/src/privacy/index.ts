/** `@agora/api/privacy`: what the workers and the storefront's download route share with the API. */
export * from "./privacy-contract.ts";
export * from "./export-format.ts";
export { ERASED_PASSWORD_HASH, lockAccountForErasure } from "./delete-account.ts";
export { readExportFile } from "./privacy-requests.ts";
export { publishSessionEpoch } from "../auth/session-epochs.ts";
export { addLine, clearCart, readLines, userCartKey } from "../cart/cart-store.ts";
