export { RolloutController, RolloutRefusedError, type ReleasePlatform, type RolloutSpec } from "./controller.ts";
export { localPlatform, type LocalPlatformOptions } from "./local-platform.ts";
export { readStableRelease, releaseEnv, rolloutWeights, stableReleaseEnv } from "./release-env.ts";
export {
  readRolloutState,
  readTrafficSplit,
  releaseSpecSchema,
  requestRolloutAction,
  type RolloutRequest,
  type RolloutState,
} from "./rollout-state.ts";
export { rolloutJobRunning, startRolloutJob } from "./rollout-job.ts";
export { strategySteps } from "./strategy.ts";
