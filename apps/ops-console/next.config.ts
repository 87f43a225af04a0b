import { agoraNextConfig } from "@agora/next-config";

// The console's ops-backend wiring starts and stops local processes (apps/ops-console/src/ops-backend).
export default agoraNextConfig({ transpilePackages: ["@agora/infra-local"] });
