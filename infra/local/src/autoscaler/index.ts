export { Autoscaler, type AutoscalerState, type ScaleDecisionRecord, type ScaleSample, type TargetStatus, MAX_DECISIONS, MAX_SAMPLES } from "./autoscaler.ts";
export { localTargets, type LocalTarget, poolInstanceName } from "./targets.ts";
export { localMetricSources } from "./local-sources.ts";
export { parseShowStat, inFlightByAddress } from "./haproxy-stat.ts";
export { parseProcStatTicks, cpuMillicores } from "./proc-cpu.ts";
export { runningSpike, type SpikeRequest, SpikeRunningError, spikeStatus, startSpike } from "./spike-launcher.ts";
