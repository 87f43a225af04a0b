import { agoraNextConfig } from "@agora/next-config";

export default agoraNextConfig();
