/**
 * The scaling table lives with the decision core (`@agora/autoscaling/targets`), where the local
 * autoscaler reads it too: one set of numbers for a laptop and a cluster. Re-exported here for
 * the generator's modules.
 */
export {
  type EnvironmentScaling,
  POOL_QUEUES,
  type QueueScaling,
  SCALING,
  type WebScaling,
} from "@agora/autoscaling/targets";
