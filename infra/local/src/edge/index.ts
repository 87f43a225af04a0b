export { edgeProcess, edgeProcesses, type EdgeProcess } from "./edge-processes.ts";
export { EDGE_INSTANCE_ENV, edgeTag, killStrays, taggedProcesses } from "./strays.ts";
