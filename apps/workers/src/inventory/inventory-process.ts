/**
 * Wiring for `main.ts inventory-<n>`: one instance of the inventory gRPC service on
 * `HOST`:`PORT`, with the standard `grpc.health.v1.Health` service. Stop: health turns
 * NOT_SERVING, the server refuses new calls and finishes the ones in flight (tryShutdown), and is
 * forced closed after the drain timeout. Nothing polls while idle.
 */
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { listenSchema, loadConfig } from "@agora/config";
import { INVENTORY_SERVICE, inventoryServiceDefinition } from "@agora/inventory";
import { registerFromEnv, type SelfRegistration } from "@agora/registry";
import { inventoryHandlers } from "./inventory-service.ts";

const DRAIN_MS = 10_000;
/** How long a starting instance waits to be listed as ready in the registry before it goes on. */
const REGISTER_WAIT_MS = 5_000;

/**
 * A process started from its environment lists itself in the service registry as `inventory`
 * (callers resolve `agora-registry:///inventory`), ready while its server is bound and not
 * stopping. Start-up waits briefly for the listing, so the instance is findable once it reports
 * started; with etcd away it serves anyway and keeps trying in the background.
 */
async function listInRegistry(serving: () => boolean): Promise<SelfRegistration> {
  const registration = registerFromEnv({ service: "inventory", probe: async () => serving() });
  const deadline = Date.now() + REGISTER_WAIT_MS;
  while (!registration.registration()?.current().ready && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  return registration;
}

/** `inventory-<n>` locally (one port each); plain `inventory` where replicas share one (Kubernetes). */
export function inventoryInstance(name: string): number | null {
  const m = /^inventory(?:-(\d+))?$/.exec(name);
  return m ? Number(m[1] ?? 0) : null;
}

export interface RunningInventory {
  port: number;
  close(): Promise<void>;
}

export async function startInventory(
  opts: { port?: number; host?: string } = {},
): Promise<RunningInventory> {
  const listen =
    opts.port === undefined
      ? loadConfig(listenSchema)
      : { HOST: opts.host ?? "127.0.0.1", PORT: opts.port };
  const server = new Server({
    // A caller's channel learns of a drain through GOAWAY and moves to the other instances.
    "grpc.max_connection_idle_ms": 5 * 60_000,
  });
  server.addService(inventoryServiceDefinition(), inventoryHandlers);
  const health = new HealthImplementation({ "": "SERVING", [INVENTORY_SERVICE]: "SERVING" });
  health.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `${listen.HOST}:${listen.PORT}`,
      ServerCredentials.createInsecure(),
      (err, p) => (err ? reject(err) : resolve(p)),
    ),
  );
  let serving = true;
  // Only a process of its own registers (tests start extra servers on ports they choose).
  const registration = opts.port === undefined ? await listInRegistry(() => serving) : undefined;
  return {
    port,
    close: async () => {
      // Out of the registry first (not ready, then gone): callers stop picking this instance
      // before it refuses calls; the calls already here finish below.
      serving = false;
      await registration?.stop().catch(() => {});
      health.setStatus("", "NOT_SERVING");
      health.setStatus(INVENTORY_SERVICE, "NOT_SERVING");
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, DRAIN_MS);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
