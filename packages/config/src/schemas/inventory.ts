/** The inventory gRPC service: where its callers find it, and how long they give one call. */
import { z } from "zod";

export const inventoryClientSchema = z.object({
  /**
   * gRPC target of the inventory instances: `agora-registry:///inventory` (the ready instances
   * in the service registry, followed as they change), `ipv4:127.0.0.1:7001,127.0.0.1:7002` (a
   * fixed list) or `dns:///inventory.ns.svc:50051` (a headless Service); the client balances
   * round-robin.
   */
  AGORA_INVENTORY_TARGET: z
    .string({ message: "required (gRPC target, e.g. ipv4:127.0.0.1:7001,127.0.0.1:7002)" })
    .regex(
      /^(agora-registry|ipv4|ipv6|dns|unix):/,
      "must be a gRPC target with a scheme (agora-registry:///, ipv4:, dns:///, …)",
    ),
  /** Deadline of one call, retries included (ms). */
  AGORA_INVENTORY_DEADLINE_MS: z.coerce.number().int().positive().max(120_000).default(20_000),
});
export type InventoryClientSettings = z.infer<typeof inventoryClientSchema>;
