import { loadWebEnv } from "@agora/api/env";

/** Validated once at start-up (see instrumentation.ts); import `env` instead of reading process.env. */
export const env = loadWebEnv();
