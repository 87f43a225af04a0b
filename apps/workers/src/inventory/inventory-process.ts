/**
 * Wiring for `main.ts inventory-<n>`: one instance of the inventory gRPC service on
 * `HOST`:`PORT`, with the standard `grpc.health.v1.Health` service. Stop: health turns
 * NOT_SERVING, the server refuses new calls and finishes the ones in flight (tryShutdown), and is
 * forced closed after the drain timeout. Nothing polls while idle.
 */
import { experimental, Server, ServerCredentials } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import { listenSchema, loadConfig } from "@agora/config";
import { serviceTlsFiles, type ServiceTlsFiles } from "@agora/config/service-tls";
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

/** How often a server re-reads its pair from disk: a rotated certificate is served within this. */
const CERT_REFRESH_MS = 60_000;

/**
 * Mutual TLS with this process's service identity: no call without a client certificate of the
 * same CA. The pair is watched on disk, so a rotation reaches new connections without a restart.
 * Without AGORA_TLS_* files (a development run without the local PKI): plaintext.
 */
function serverCredentials(tls: ServiceTlsFiles | null): ServerCredentials {
  if (!tls) return ServerCredentials.createInsecure();
  const files = new experimental.FileWatcherCertificateProvider({
    certificateFile: tls.cert,
    privateKeyFile: tls.key,
    caCertificateFile: tls.ca,
    refreshIntervalMs: CERT_REFRESH_MS,
  });
  return experimental.createCertificateProviderServerCredentials(files, files, true);
}

export interface RunningInventory {
  port: number;
  close(): Promise<void>;
}

export async function startInventory(
  opts: {
    port?: number;
    host?: string;
    /** TLS files (default: AGORA_TLS_*); `null` serves plaintext (tests of the refusal). */
    tls?: ServiceTlsFiles | null;
  } = {},
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
      serverCredentials(opts.tls === undefined ? serviceTlsFiles() : opts.tls),
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
