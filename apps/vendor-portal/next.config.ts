import { agoraNextConfig } from "../../tooling/next-config.ts";

// `forbidden()` from next/navigation: owner-only pages answer staff with HTTP 403 (app/forbidden.tsx).
export default agoraNextConfig({ experimental: { authInterrupts: true } });
