/**
 * The inventory service's client: one grpc-js channel over every instance (round-robin), a
 * deadline on every call, retries of UNAVAILABLE by the channel's retry policy, typed errors from
 * the status, and a CLIENT span per call whose context travels in the `traceparent` metadata.
 */
import { readFileSync } from "node:fs";
import type { PeerCertificate } from "node:tls";
import {
  type ChannelCredentials,
  credentials,
  makeClientConstructor,
  Metadata,
  type Client,
  type ServiceError,
} from "@grpc/grpc-js";
import { inSpan, SpanKind, traceHeaders } from "@agora/telemetry";
import {
  INVENTORY_SERVICE,
  inventoryServiceDefinition,
  type InventoryMethod,
  type ReservationMessage,
  type ReserveRequest,
  type SettleRequest,
} from "./contract.ts";
import { REGISTRY_SCHEME, registerRegistryResolver } from "./registry-resolver.ts";
import { inventoryServiceConfig } from "./service-config.ts";
import { fromStatus } from "./status-mapping.ts";

export interface InventoryClientOptions {
  /**
   * gRPC target: `agora-registry:///inventory` (the ready instances in the service registry),
   * `ipv4:127.0.0.1:a,127.0.0.1:b` or `dns:///inventory:50051`.
   */
  target: string;
  /** Deadline of one call including its retries (ms). */
  deadlineMs: number;
  /**
   * Mutual TLS: the CA the servers' certificates chain to and this caller's pair (PEM files,
   * AGORA_TLS_* from `serviceTlsFiles()`). Unset: plaintext (a server without TLS).
   */
  tls?: { ca: string; cert: string; key: string } | null;
}

/** The subject every inventory server's certificate carries (its service identity). */
export const INVENTORY_IDENTITY = "inventory";

/**
 * The server is checked by its service identity, not by the target's host name: a registry or
 * `ipv4:` target names no host the certificate could list, and every instance shares one pair.
 */
function checkInventoryIdentity(_host: string, cert: PeerCertificate): Error | undefined {
  const cn = [cert.subject?.CN].flat()[0];
  return cn === INVENTORY_IDENTITY
    ? undefined
    : new Error(`the server presented "${cn ?? "no subject"}", not the ${INVENTORY_IDENTITY} service`);
}

function channelCredentials(tls: InventoryClientOptions["tls"]): ChannelCredentials {
  if (!tls) return credentials.createInsecure();
  // Read once per channel: a rotated pair is picked up by the next client (the old one stays
  // valid until it expires, so open channels keep working).
  return credentials.createSsl(readFileSync(tls.ca), readFileSync(tls.key), readFileSync(tls.cert), {
    checkServerIdentity: checkInventoryIdentity,
  });
}

export interface InventoryClient {
  reserve(req: ReserveRequest): Promise<ReservationMessage>;
  commit(req: SettleRequest): Promise<ReservationMessage>;
  release(req: SettleRequest): Promise<ReservationMessage>;
  close(): void;
}

type Callback = (err: ServiceError | null, reply?: ReservationMessage) => void;
type UnaryMethod = (req: object, md: Metadata, opts: { deadline: Date }, cb: Callback) => void;

export function createInventoryClient(options: InventoryClientOptions): InventoryClient {
  if (options.target.startsWith(`${REGISTRY_SCHEME}:`)) registerRegistryResolver();
  const Ctor = makeClientConstructor(inventoryServiceDefinition(), INVENTORY_SERVICE);
  const client = new Ctor(options.target, channelCredentials(options.tls), {
    "grpc.service_config": JSON.stringify(inventoryServiceConfig()),
    // Reconnect to a restarted instance quickly instead of after the default 1–120 s backoff.
    "grpc.initial_reconnect_backoff_ms": 200,
    "grpc.max_reconnect_backoff_ms": 2_000,
    "grpc.keepalive_time_ms": 30_000,
    // The generated constructor's methods are untyped: this is their shape for this service.
  }) as unknown as Client & Record<InventoryMethod, UnaryMethod>;

  const call = (method: InventoryMethod, req: ReserveRequest | SettleRequest) =>
    inSpan(
      `${INVENTORY_SERVICE}/${method}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          "rpc.system": "grpc",
          "rpc.service": INVENTORY_SERVICE,
          "rpc.method": method,
          "agora.order_id": req.orderId,
          "agora.vendor_id": req.vendorId,
        },
      },
      (span) =>
        new Promise<ReservationMessage>((resolve, reject) => {
          const md = new Metadata();
          const { traceparent } = traceHeaders();
          if (traceparent) md.set("traceparent", traceparent);
          const deadline = new Date(Date.now() + options.deadlineMs);
          client[method](req, md, { deadline }, (err, reply) => {
            span.setAttribute("rpc.grpc.status_code", err ? err.code : 0);
            if (err) reject(fromStatus(method, err));
            else if (!reply) reject(new Error(`inventory ${method}: empty reply`));
            else resolve(reply);
          });
        }),
    );

  return {
    reserve: (req) => call("Reserve", req),
    commit: (req) => call("Commit", req),
    release: (req) => call("Release", req),
    close: () => client.close(),
  };
}
