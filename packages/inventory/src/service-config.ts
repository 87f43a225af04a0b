/**
 * The channel's service config: round-robin over every address the target resolves to, and
 * transparent retries of UNAVAILABLE (the instance died or is draining). Retrying is safe because
 * every call carries an idempotency key. gRPC randomises each backoff (gRFC A6), so retries of
 * many callers spread out.
 */
import { INVENTORY_SERVICE } from "./contract.ts";

export const INVENTORY_RETRY_ATTEMPTS = 4;

export function inventoryServiceConfig(): object {
  return {
    loadBalancingConfig: [{ round_robin: {} }],
    methodConfig: [
      {
        name: [{ service: INVENTORY_SERVICE }],
        retryPolicy: {
          maxAttempts: INVENTORY_RETRY_ATTEMPTS,
          initialBackoff: "0.1s",
          maxBackoff: "1s",
          backoffMultiplier: 2,
          retryableStatusCodes: ["UNAVAILABLE"],
        },
      },
    ],
  };
}
