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

/** An outbox row as the relay and the lost-job sweep select it (any cluster). */
export interface OutboxRow {
  id: bigint;
  aggregate_type: string;
  aggregate_id: string;
  event_type: string;
  vendor_id: string | null;
  payload: unknown;
  headers: unknown;
  created_at: Date;
}

/** The message of one outbox row of `cluster`, published under `fenceToken`. */
export function outboxRowMessage(cluster: string, r: OutboxRow, fenceToken: string): OutboxMessage {
  return {
    messageId: outboxMessageId(cluster, r.id),
    cluster,
    outboxId: String(r.id),
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    eventType: r.event_type,
    vendorId: r.vendor_id,
    payload: r.payload,
    headers: r.headers,
    createdAt: r.created_at.toISOString(),
    fenceToken,
  };
}
