/**
 * The `outbox-relay` process: campaigns in etcd and, while leader, relays every cluster's outbox
 * to BullMQ. Run several for availability; exactly one relays at a time.
 */
import { hostname } from "node:os";
import { z } from "zod";
import { createRedis } from "@agora/redis";
import { etcdSchema, loadConfig } from "@agora/config";
import { LeaderElection } from "../leader/leader-election.ts";
import { createBullmqPublisher } from "./publisher.ts";
import { OutboxRelay } from "./relay.ts";

const Env = z.object({
  /** Election key and fence row name; distinct relays (or test runs) use distinct names. */
  OUTBOX_RELAY_NAME: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default("outbox-relay"),
  OUTBOX_RELAY_TTL_S: z.coerce.number().int().min(2).default(3),
  OUTBOX_RELAY_BATCH: z.coerce.number().int().min(1).max(10_000).default(100),
  OUTBOX_RELAY_POLL_MS: z.coerce.number().int().min(10).default(250),
});

export interface RunningRelay {
  relay: OutboxRelay;
  election: LeaderElection;
  /** `resign: false` behaves like a crash (for tests); the default hands over at once. */
  close(opts?: { resign?: boolean }): Promise<void>;
}

export function startOutboxRelay(
  opts: { name?: string; candidateId?: string; ttlSeconds?: number; pollEveryMs?: number } = {},
): RunningRelay {
  const { env, etcd } = loadConfig({ env: Env, etcd: etcdSchema });
  const name = opts.name ?? env.OUTBOX_RELAY_NAME;
  const candidateId = opts.candidateId ?? `${hostname()}:${process.pid}`;
  const connection = createRedis({ connectionName: `outbox-relay:${candidateId}` });
  const publisher = createBullmqPublisher({ connection });
  const election = new LeaderElection({
    hosts: etcd.AGORA_ETCD_ENDPOINTS,
    name,
    candidateId,
    ttlSeconds: opts.ttlSeconds ?? env.OUTBOX_RELAY_TTL_S,
    onElected: (term) => relay.lead(term),
    onLost: (term, reason) => relay.lose(term, reason),
  });
  // The callbacks above only fire after start(), by which time `relay` exists.
  const relay = new OutboxRelay({
    election,
    publisher,
    fenceName: name,
    batchSize: env.OUTBOX_RELAY_BATCH,
    pollEveryMs: opts.pollEveryMs ?? env.OUTBOX_RELAY_POLL_MS,
  });
  election.start();
  relay.warmWhileStandby();
  return {
    relay,
    election,
    async close({ resign = true } = {}) {
      // Relay first, so no batch is in flight when the election hands over (or lapses).
      await relay.stop();
      await election.stop({ resign });
      await publisher.close();
      connection.disconnect();
    },
  };
}
