/**
 * Wiring for `main.ts realtime-<n>`: gateway instance n listens on `HOST`:`PORT`, verifies
 * sessions with the storefront's next-auth secret, and campaigns to be the one instance that
 * consumes the live-push queues.
 */
import { hostname } from "node:os";
import { loadAuthEnv } from "@agora/api/env";
import { sessionRevocation } from "@agora/api/sessions";
import { etcdSchema, listenSchema, loadConfig } from "@agora/config";
import { createRedis } from "@agora/redis";
import { registerFromEnv } from "@agora/registry";
import { z } from "zod";
import { createLiveGateway } from "./gateway.ts";
import { startLivePushConsumer } from "./live-push-consumer.ts";
import { storefrontRoomAccess } from "./room-access.ts";
import { currentAvailability } from "./stock-snapshot.ts";

const envSchema = z.object({
  /** Election name of the push consumer; distinct test runs use distinct names. */
  REALTIME_PUSH_ELECTION: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  REALTIME_PUSH_TTL_S: z.coerce.number().int().min(2).max(60).default(5),
});

export interface RunningRealtime {
  port: number;
  isConsuming(): boolean;
  close(): Promise<void>;
}

export async function startRealtime(
  name: string,
  opts: { port?: number; electionName?: string; ttlSeconds?: number } = {},
): Promise<RunningRealtime> {
  // A test passes its own port; a deployed instance listens on PORT.
  const { env, listen, etcd } = loadConfig({
    env: envSchema,
    listen: opts.port === undefined ? listenSchema : listenSchema.extend({ PORT: listenSchema.shape.PORT.optional() }),
    etcd: etcdSchema,
  });
  const port = opts.port ?? listen.PORT ?? 0;
  const auth = loadAuthEnv("storefront");
  const pub = createRedis({ connectionName: `${name}:adapter-pub` });
  const sub = createRedis({ connectionName: `${name}:adapter-sub` });
  const gateway = createLiveGateway({
    name,
    pub,
    sub,
    access: storefrontRoomAccess({
      app: "storefront",
      secret: auth.secret,
      url: auth.url,
      revocation: sessionRevocation("storefront"),
    }),
    snapshot: currentAvailability,
  });
  const bound = await gateway.listen(port, listen.HOST);
  const consumer = startLivePushConsumer({
    io: gateway.io,
    etcdEndpoints: etcd.AGORA_ETCD_ENDPOINTS,
    candidateId: `${name}@${hostname()}:${process.pid}`,
    electionName: opts.electionName ?? env.REALTIME_PUSH_ELECTION,
    ttlSeconds: opts.ttlSeconds ?? env.REALTIME_PUSH_TTL_S,
  });
  // A deployed instance (listening on PORT) registers for the gateway; ready while both Redis
  // adapter connections are up (without them its rooms would miss other instances' emits).
  const registration =
    opts.port === undefined
      ? registerFromEnv({ service: "realtime", probe: async () => pub.status === "ready" && sub.status === "ready" })
      : undefined;
  return {
    port: bound,
    isConsuming: consumer.isConsuming,
    close: async () => {
      await registration?.stop();
      await consumer.close();
      await gateway.close();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
