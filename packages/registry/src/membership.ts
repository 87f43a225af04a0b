/** The live members of one service as a watcher sees them: a snapshot plus put/delete events. */
import { parseInstance, type ServiceInstance } from "./record.ts";

export type MembershipEvent =
  | { kind: "put"; key: string; value: string }
  | { kind: "delete"; key: string };

/** Members by key; invalid records are reported and left out (one bad writer cannot stop routing). */
export class Membership {
  private readonly members = new Map<string, ServiceInstance>();

  constructor(private readonly onInvalid: (err: Error) => void = () => {}) {}

  /** Replaces everything with a fresh read (initial load, or after a reconnect). */
  reset(kvs: { key: string; value: string }[]): void {
    this.members.clear();
    for (const kv of kvs) this.apply({ kind: "put", ...kv });
  }

  apply(e: MembershipEvent): void {
    if (e.kind === "delete") {
      this.members.delete(e.key);
      return;
    }
    try {
      this.members.set(e.key, parseInstance(e.key, e.value));
    } catch (err) {
      this.members.delete(e.key);
      this.onInvalid(err as Error);
    }
  }

  /** Sorted by instance id, so consumers see a stable order. */
  list(): ServiceInstance[] {
    return [...this.members.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId));
  }
}
