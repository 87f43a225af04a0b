/** Health as the UI shows it; every status colour in Agora derives from this one scale. */
export type Health = "healthy" | "degraded" | "down" | "unknown";

export const HEALTH_LABEL: Record<Health, string> = {
  healthy: "Healthy",
  degraded: "Degraded",
  down: "Down",
  unknown: "Unknown",
};
