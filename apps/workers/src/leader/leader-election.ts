/**
 * Leader election for singleton jobs (outbox relay, schedulers) on etcd, with fencing tokens.
 *
 * A candidate grants a lease (TTL a few seconds, kept alive by etcd3) and tries
 * `if createRevision(key) == 0 then put(key, id, lease)`. The winner's fencing token is the key's
 * create revision: etcd revisions only grow, so every later election yields a larger token, and
 * whatever the leader writes carries the token so a resource can refuse a stale leader.
 *
 * Leadership ends when etcd says the lease is gone (`lost`), when the leader steps down, or — the
 * case that matters for a frozen process or a cut network — when the local lease deadline passes:
 * `isLeader()` turns false `ttl - safety margin` after the last keepalive that etcd acknowledged,
 * i.e. before etcd can expire the key and elect someone else. `onLost` fires once per term.
 *
 * A follower watches the leader key (etcd watch, the mechanism etcd's own election `observe`
 * uses) and campaigns the moment etcd deletes it — lease expired, leader resigned — instead of
 * finding out on its next poll; a slow poll (`standbyRetryMs`) stays as the safety net for a
 * watch that is down or reconnecting (while it is, the fast `retryEveryMs` applies).
 */
import { Etcd3, type Lease, type Watcher } from "etcd3";
import { etcdClientOptions } from "@agora/registry";
import { jitter } from "./jitter.ts";
import { createLogger } from "@agora/telemetry";

const log = createLogger({ service: "leader-election" });

export interface LeaderElectionOptions {
  /** etcd client URLs, e.g. ["http://127.0.0.1:32400", …]. */
  hosts: string[];
  /** Election name; the leader key is `/agora/leaders/<name>`. */
  name: string;
  /** This candidate's identity (stored as the key's value, shown in logs). */
  candidateId: string;
  /** Lease TTL in seconds (≥ 2). */
  ttlSeconds?: number;
  /** How often a follower retries the election while it cannot watch the leader key, in ms (jittered ±50 %). */
  retryEveryMs?: number;
  /** How often a follower that watches the leader key still retries (a missed event's safety net), in ms. */
  standbyRetryMs?: number;
  /** Per-call deadline for unary etcd requests, in ms. */
  requestTimeoutMs?: number;
  onElected?: (term: LeaderTerm) => void;
  onLost?: (term: LeaderTerm, reason: string) => void;
  onError?: (err: Error) => void;
}

export interface LeaderTerm {
  /** Fencing token: create revision of the leader key; strictly increasing across terms. */
  readonly token: bigint;
  readonly candidateId: string;
}

export class LeaderElection {
  private readonly client: Etcd3;
  private readonly key: string;
  private readonly ttlMs: number;
  private readonly retryEveryMs: number;
  private readonly standbyRetryMs: number;
  private readonly opts: LeaderElectionOptions;
  private lease: Lease | undefined;
  private term: LeaderTerm | undefined;
  /** Local end of the current term: past it we act as if the lease were gone. */
  private validUntil = 0;
  private keepaliveFiredAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private running = false;
  private attempt: Promise<void> | undefined;
  /** A campaign was asked for while one was in flight: run again as soon as it ends. */
  private again = false;
  private watcher: Watcher | undefined;
  /** Whether the watch on the leader key is connected (events arrive). */
  private watching = false;
  /** After resigning, the key's deletion is our own: leave the first go to the others. */
  private holdOffUntil = 0;

  constructor(opts: LeaderElectionOptions) {
    this.opts = opts;
    const ttl = opts.ttlSeconds ?? 3;
    if (ttl < 2) throw new RangeError(`ttlSeconds must be >= 2, got ${ttl}`);
    this.ttlMs = ttl * 1000;
    this.retryEveryMs = opts.retryEveryMs ?? 500;
    this.standbyRetryMs = opts.standbyRetryMs ?? 5_000;
    this.key = `/agora/leaders/${opts.name}`;
    const timeout = opts.requestTimeoutMs ?? 2000;
    // Streams (lease keepalive) live long; every unary call gets a deadline. Mutual TLS when the
    // environment names etcd's CA and client pair.
    this.client = new Etcd3(etcdClientOptions(opts.hosts, timeout));
  }

  /** The current term if this process may act as leader right now, else undefined. */
  current(): LeaderTerm | undefined {
    if (this.term && Date.now() >= this.validUntil) this.endTerm("lease deadline passed");
    return this.term;
  }

  /** True while `term` is still this process's live term. */
  isLeader(term?: LeaderTerm): boolean {
    const cur = this.current();
    return cur !== undefined && (term === undefined || cur.token === term.token);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.watchLeaderKey();
    this.schedule(0);
  }

  /** Gives up leadership now (deletes the key, revokes the lease) so a follower takes over at once. */
  async resign(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    this.holdOffUntil = Date.now() + this.retryEveryMs;
    this.endTerm("resigned");
    try {
      if (!lease) return;
      const leaseId = await lease.grant();
      await this.client
        .if(this.key, "Lease", "==", leaseId)
        .then(this.client.delete().key(this.key))
        .commit();
      await lease.revoke();
    } finally {
      // Still a candidate unless stopped: campaign again (as a follower, behind the new leader).
      this.schedule(this.followerDelay());
    }
  }

  /**
   * Stops campaigning and closes the client. `resign: false` stops heartbeats without telling
   * etcd, exactly like a crashed process: the others take over only after the TTL.
   */
  async stop({ resign = true }: { resign?: boolean } = {}): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.attempt;
    const watcher = this.watcher;
    this.watcher = undefined;
    this.watching = false;
    await watcher?.cancel().catch((err: unknown) => this.reportError(err));
    if (resign) {
      await this.resign().catch((err: unknown) => this.reportError(err));
    } else {
      this.lease?.release();
      this.endTerm("stopped");
    }
    this.lease = undefined;
    this.client.close();
  }

  /** A follower's next look: slow while the watch tells it when the key goes, fast otherwise. */
  private followerDelay(): number {
    return jitter(this.watching ? this.standbyRetryMs : this.retryEveryMs);
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      // One campaign at a time: two in flight on the same lease would both win (one by adoption).
      if (this.attempt) {
        this.again = true;
        return;
      }
      this.attempt = this.campaignOnce()
        .catch((err: unknown) => this.reportError(err))
        .finally(() => {
          this.attempt = undefined;
          const again = this.again;
          this.again = false;
          if (!this.term) this.schedule(again ? 0 : this.followerDelay());
        });
    }, delayMs);
  }

  /**
   * Watches the leader key: its deletion (the leader's lease expired, or it resigned) starts a
   * campaign at once. After a reconnect the key may have gone unseen: look again then too. A watch
   * that cannot be created is retried; meanwhile the fast poll covers.
   */
  private async watchLeaderKey(attempt = 1): Promise<void> {
    if (!this.running || this.watcher) return;
    let w: Watcher;
    try {
      w = await this.client.watch().key(this.key).create();
    } catch (err) {
      this.reportError(err);
      setTimeout(() => void this.watchLeaderKey(attempt + 1), Math.min(10_000, jitter(this.retryEveryMs * 2 ** Math.min(attempt, 5)))).unref();
      return;
    }
    if (!this.running) {
      await w.cancel().catch((err: unknown) => this.reportError(err));
      return;
    }
    this.watcher = w;
    this.watching = true;
    const campaignNow = () => {
      if (this.running && !this.term && Date.now() >= this.holdOffUntil) this.schedule(0);
    };
    w.on("delete", campaignNow);
    w.on("connected", () => {
      this.watching = true;
      campaignNow();
    });
    w.on("disconnected", () => {
      this.watching = false;
      // Back to the fast poll until the watch is back.
      if (this.running && !this.term) this.schedule(jitter(this.retryEveryMs));
    });
    w.on("error", (err) => this.reportError(err));
  }

  private async campaignOnce(): Promise<void> {
    if (!this.running || this.term) return;
    const lease = this.lease ?? this.newLease();
    const grantedAt = Date.now();
    const leaseId = await lease.grant();
    const res = await this.client
      .if(this.key, "Create", "==", 0)
      .then(this.client.put(this.key).value(this.opts.candidateId).lease(leaseId))
      .else(this.client.get(this.key))
      .commit();
    if (!this.running || lease !== this.lease) return;
    let token: bigint;
    if (res.succeeded) {
      // The txn's revision is the put's revision, i.e. the key's create revision.
      token = BigInt(res.header.revision);
    } else {
      // Our put may have committed while its answer was lost: the key then carries our lease,
      // which we keep alive, so it would never expire. Adopt it instead of waiting forever.
      const kv = res.responses[0]?.response_range.kvs[0];
      if (!kv || kv.lease !== leaseId) return;
      token = BigInt(kv.create_revision);
    }
    const term: LeaderTerm = { token, candidateId: this.opts.candidateId };
    this.term = term;
    // Conservative: count the TTL from before the grant/put, not from when etcd answered.
    this.validUntil = Math.max(this.validUntil, grantedAt + this.termMargin());
    this.armDeadline();
    this.opts.onElected?.(term);
  }

  private newLease(): Lease {
    const lease = this.client.lease(this.ttlMs / 1000, { autoKeepAlive: true });
    this.lease = lease;
    lease.on("keepaliveFired", () => {
      this.keepaliveFiredAt = Date.now();
    });
    lease.on("keepaliveSucceeded", (res) => {
      if (lease !== this.lease || !this.term) return;
      // etcd renewed the lease to TTL seconds from when it received our request, which was after
      // we sent it: counting from the send time keeps our deadline ahead of etcd's.
      if (Number(res.TTL) > 0) {
        this.validUntil = this.keepaliveFiredAt + this.termMargin();
        this.armDeadline();
      }
    });
    lease.on("keepaliveFailed", (err) => this.reportError(err));
    lease.on("lost", (err) => {
      if (lease !== this.lease) return;
      this.lease = undefined;
      this.endTerm(`lease lost: ${err.message}`);
      this.schedule(jitter(this.retryEveryMs));
    });
    return lease;
  }

  /** How long a term lasts past a keepalive: TTL minus a safety margin for clock/scheduling skew. */
  private termMargin(): number {
    return this.ttlMs - Math.max(500, this.ttlMs / 4);
  }

  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(
      () => this.current(),
      Math.max(0, this.validUntil - Date.now()) + 5,
    );
  }

  private endTerm(reason: string): void {
    const term = this.term;
    clearTimeout(this.deadlineTimer);
    if (!term) return;
    this.term = undefined;
    this.validUntil = 0;
    const lease = this.lease;
    if (reason === "lease deadline passed" && lease) {
      // Our own deadline passed without a renewal: do not trust this lease again; campaign anew.
      this.lease = undefined;
      lease.release();
      this.schedule(jitter(this.retryEveryMs));
    }
    this.opts.onLost?.(term, reason);
  }

  private reportError(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    if (this.opts.onError) this.opts.onError(e);
    else log.warn({ election: this.opts.name }, e.message);
  }
}
