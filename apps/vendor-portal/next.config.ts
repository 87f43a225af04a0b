import { agoraNextConfig } from "@agora/next-config";

// `forbidden()` from next/navigation: owner-only pages answer staff with HTTP 403 (app/forbidden.tsx).
export default agoraNextConfig({ experimental: { authInterrupts: true } });
