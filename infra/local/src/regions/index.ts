export { regionLink, setRegionLink, RegionLinkUnavailableError, type LinkView } from "./link-control.ts";
export { DEFAULT_LINK_RTT_MS, LINK_MODES, type LinkChange, type LinkMode, type LinkState } from "./link-state.ts";
export { standbyStatus, type StandbyStatus } from "./standby-cluster.ts";
export { REGION_LINK } from "./region-servers.ts";
export { regionHealth, type RegionHealthView } from "./region-health.ts";
export { CLIENT_REGION_HEADER, SERVED_BY_HEADER } from "./global-edge.ts";
export { holdsCorePrimary, readFailoverState } from "./failover-state.ts";
export { runRegionFailback, type FailbackReport } from "./failback.ts";
export { regionPlacements, type RegionPlacementView } from "./region-placement.ts";
