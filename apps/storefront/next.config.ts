import { agoraNextConfig } from "../../tooling/next-config.ts";

export default agoraNextConfig();
