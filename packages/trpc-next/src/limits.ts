/**
 * Bounds of the tRPC endpoint, shared by the browser client (react.tsx splits its batches at
 * MAX_BATCH_SIZE) and the route handler (which refuses more with 400).
 */
export const MAX_BATCH_SIZE = 20;

/** The largest mutation body (a product with its variants is a few KB); more is refused with 413. */
export const MAX_TRPC_BODY_BYTES = 1024 * 1024;
