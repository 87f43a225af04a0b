/**
 * "The relay leader" as a chaos target: whichever outbox relay process holds the election in etcd
 * right now (key `/agora/leaders/outbox-relay`, value `<host>:<pid>`; see
 * apps/workers/src/outbox/relay-process.ts), mapped to its process name.
 */
import { z } from "zod";
import { isOurs, readRegistry } from "../processes/registry.ts";
import { httpPost } from "../processes/wait.ts";
import type { Topology } from "../topology.ts";

export const RELAY_LEADER_TARGET = "outbox-relay-leader";
const LEADER_KEY = "/agora/leaders/outbox-relay";
const TIMEOUT_MS = 2_000;

const rangeAnswer = z.object({
  kvs: z.array(z.object({ value: z.string() })).optional(),
});

/** The leader's candidate id (`<host>:<pid>`), or undefined when no relay leads. */
export async function relayLeaderId(t: Topology): Promise<string | undefined> {
  const key = Buffer.from(LEADER_KEY).toString("base64");
  let lastError: unknown;
  // Any member answers a linearizable read (it forwards to the Raft leader); try them in turn.
  for (const m of t.etcd) {
    try {
      // etcd's JSON gateway over mutual TLS, as the probes call it.
      const res = await httpPost(`https://${t.host}:${m.clientPort}/v3/kv/range`, { key }, TIMEOUT_MS, m.clientTls);
      if (res.status !== 200) throw new Error(`${m.name} answered ${res.status}`);
      const value = rangeAnswer.parse(JSON.parse(res.body)).kvs?.[0]?.value;
      return value === undefined ? undefined : Buffer.from(value, "base64").toString("utf8");
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`no etcd member answered: ${lastError instanceof Error ? lastError.message : String(lastError)}`);
}

/** The process name (`outbox-relay`, `outbox-relay-2`) of the current leader, if one of ours leads. */
export async function relayLeaderProcess(t: Topology): Promise<string | undefined> {
  const id = await relayLeaderId(t);
  const pid = Number(id?.split(":").pop());
  if (!Number.isInteger(pid)) return undefined;
  return readRegistry(t.pidFile).find((r) => r.pid === pid && isOurs(r) && r.name.startsWith("outbox-relay"))?.name;
}
