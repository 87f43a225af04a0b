export { formatEnv, listenPort, metricsTargets, processEnv, type ProcessEnvOptions, type ProcessName } from "./process-env.ts";
export { migrationTarget } from "./migration-target.ts";
