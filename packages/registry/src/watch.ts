/**
 * The live members of one service (or all services): a read of the prefix, then a watch from the
 * next revision, so no change between the two is missed. etcd3 resumes a broken watch stream on
 * another member from the last revision it saw (leader change, a member restarting); after such a
 * reconnect the prefix is read again anyway, so a compacted history cannot leave stale members.
 */
import type { Etcd3, Watcher } from "etcd3";
import { registryClient } from "./client.ts";
import { Membership } from "./membership.ts";
import { servicePrefix, servicesRoot, type ServiceInstance } from "./record.ts";

export interface WatchOptions {
  endpoints: string[];
  prefix: string;
  /** One service, or every service when left out. */
  service?: string;
  /** Called with the full membership after the first read and after every change. */
  onChange: (members: ServiceInstance[]) => void;
  onError?: (err: Error) => void;
  requestTimeoutMs?: number;
  client?: Etcd3;
}

export interface ServiceWatch {
  members(): ServiceInstance[];
  close(): Promise<void>;
}

export async function watchServices(opts: WatchOptions): Promise<ServiceWatch> {
  const client = opts.client ?? registryClient(opts.endpoints, opts.requestTimeoutMs);
  const prefix = opts.service ? servicePrefix(opts.prefix, opts.service) : servicesRoot(opts.prefix);
  const onError = opts.onError ?? (() => {});
  const membership = new Membership(onError);
  let closed = false;
  let watcher: Watcher | undefined;

  const read = async (): Promise<string> => {
    const res = await client.getAll().prefix(prefix).exec();
    membership.reset(res.kvs.map((kv) => ({ key: kv.key.toString(), value: kv.value.toString() })));
    if (!closed) opts.onChange(membership.list());
    return res.header.revision;
  };

  const revision = await read();
  watcher = await client
    .watch()
    .prefix(prefix)
    .startRevision(String(BigInt(revision) + 1n))
    .create();
  let disconnected = false;
  watcher.on("put", (kv) => {
    membership.apply({ kind: "put", key: kv.key.toString(), value: kv.value.toString() });
    opts.onChange(membership.list());
  });
  watcher.on("delete", (kv) => {
    membership.apply({ kind: "delete", key: kv.key.toString() });
    opts.onChange(membership.list());
  });
  watcher.on("disconnected", () => {
    disconnected = true;
  });
  watcher.on("connected", () => {
    if (!disconnected || closed) return;
    disconnected = false;
    read().catch((err: Error) => onError(err));
  });
  watcher.on("error", (err: Error) => onError(err));

  return {
    members: () => membership.list(),
    async close() {
      closed = true;
      try {
        await watcher?.cancel();
      } finally {
        watcher = undefined;
        if (!opts.client) client.close();
      }
    },
  };
}
