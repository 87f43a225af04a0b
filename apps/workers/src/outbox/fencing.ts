/**
 * Fencing on the database side: each cluster keeps, per relay, the highest leader token that has
 * written there (`relay_fences`). A relay batch first raises the row to its own token — allowed
 * only if the stored token is not larger — and holds that row lock until it commits, so from the
 * moment a newer leader has written, an older one can neither mark nor (under its lock) publish.
 */

export class FencedOutError extends Error {
  readonly code = "FENCED_OUT";
  constructor(
    readonly cluster: string,
    readonly token: bigint,
    readonly currentToken: bigint | null,
  ) {
    super(
      `relay token ${token} refused on ${cluster}: a newer leader holds token ${String(currentToken)}`,
    );
    this.name = "FencedOutError";
  }
}

export class LeadershipLostError extends Error {
  readonly code = "LEADERSHIP_LOST";
  constructor(readonly token: bigint) {
    super(`leadership of term ${token} ended mid-batch`);
    this.name = "LeadershipLostError";
  }
}

/** The minimal raw-SQL surface of a Prisma transaction client (core and shard both fit). */
export interface RawTx {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
}

export interface Fence {
  /** Relay name (the `relay_fences` row). */
  name: string;
  token: bigint;
  holder: string;
  /** Local lease check: false once the etcd term may have ended. */
  stillLeader: () => boolean;
}

/** Raises this cluster's fence to `fence.token` inside `tx`, or throws FencedOutError. */
export async function claimFence(tx: RawTx, cluster: string, fence: Fence): Promise<void> {
  const rows = await tx.$queryRawUnsafe<{ token: bigint }[]>(
    `INSERT INTO relay_fences (name, token, holder) VALUES ($1, $2, $3)
     ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token, holder = EXCLUDED.holder, updated_at = now()
       WHERE relay_fences.token <= EXCLUDED.token
     RETURNING token`,
    fence.name,
    fence.token,
    fence.holder,
  );
  if (rows.length === 1) return;
  const cur = await tx.$queryRawUnsafe<{ token: bigint }[]>(
    `SELECT token FROM relay_fences WHERE name = $1`,
    fence.name,
  );
  throw new FencedOutError(cluster, fence.token, cur[0]?.token ?? null);
}
