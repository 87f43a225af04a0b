/** What the relay publishes for one outbox row, and where it goes. */

export interface OutboxMessage {
  /** Unique across clusters: `<cluster>-<outbox id>`; the BullMQ job id and the dedupe key. */
  messageId: string;
  cluster: string;
  outboxId: string;
  /** The topic: one BullMQ queue per aggregate type. */
  aggregateType: string;
  aggregateId: string;
  eventType: string;
  /** Shard outboxes carry the vendor (tenant) of the event; core's do not. */
  vendorId: string | null;
  payload: unknown;
  headers: unknown;
  createdAt: string;
  /** Fencing token of the relay term that published it (diagnostics; consumers need not check). */
  fenceToken: string;
}

/** BullMQ forbids ':' in queue names and job ids; cluster names and ids never contain one. */
export function outboxQueueName(topic: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(topic)) throw new Error(`invalid outbox topic "${topic}"`);
  return `outbox-${topic}`;
}

export function outboxMessageId(cluster: string, outboxId: bigint | string): string {
  return `${cluster}-${String(outboxId)}`;
}
