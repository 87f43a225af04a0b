/**
 * The policies of Agora's targets, built from the one scaling table (`@agora/autoscaling/targets`):
 * the HPA and ScaledObject generators render these; the local autoscaler evaluates the same
 * builders over the table's `local` row.
 */
export {
  BULLMQ_PREFIX,
  backlogKeys,
  IN_FLIGHT_METRIC,
  OLDEST_JOB_METRIC,
  oldestJobQuery,
  type PoolPolicy,
  poolPolicy,
  webPolicy,
} from "@agora/autoscaling/targets";
