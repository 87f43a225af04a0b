/** Server-side entry points of imports/exports for the vendor portal's route handlers. */
export { startImport, MAX_IMPORT_BYTES, type StartedImport } from "./start-import.ts";
export { importErrorsCsv } from "./import-status.ts";
export { exportProductsCsv } from "./export-products.ts";
