import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { closeAll, core, DatabaseUnavailableError } from "@agora/db";
import { killPgMember, startPgMember, waitClusterReady } from "@agora/infra-local/processes";
import { patroniCluster } from "@agora/infra-local/probes";
import { cluster, topology } from "@agora/infra-local/topology";

describe("data-layer client during a core failover", () => {
  const t = topology("test");
  afterAll(async () => {
    await closeAll();
  });

  it("fails fast with a typed retryable DB_UNAVAILABLE error while there is no primary, then recovers by itself on the same client", async () => {
    const c = cluster(t, "core");
    const db = core().primary;
    await db.$queryRaw`select 1`;
    // In synchronous mode only the registered sync standby may be promoted: wait until the
    // cluster has one (a previous test's failover may have just finished).
    await waitClusterReady(t, c, 90_000);
    const leader = (await patroniCluster(c))?.leader;
    const old = c.nodes.find((n) => n.name === leader);
    if (!old) throw new Error("core has no leader");

    const failures: { ms: number; err: unknown }[] = [];
    let recoveredAfterMs: number | undefined;
    const killedAt = Date.now();
    killPgMember(t, old);
    try {
      while (Date.now() - killedAt < 45_000) {
        const t0 = Date.now();
        try {
          await db.$queryRaw`select 1 where not pg_is_in_recovery()`;
          if (failures.length > 0 || Date.now() - killedAt > 3000) {
            recoveredAfterMs = Date.now() - killedAt;
            break;
          }
        } catch (err) {
          failures.push({ ms: Date.now() - t0, err });
        }
        await sleep(100);
      }
      console.log(
        `failed calls: ${failures.length}, slowest failure ${Math.max(0, ...failures.map((f) => f.ms))} ms, recovered after ${recoveredAfterMs} ms`,
      );
      expect(failures.length).toBeGreaterThan(0);
      for (const f of failures) {
        expect(f.err).toBeInstanceOf(DatabaseUnavailableError);
        expect((f.err as DatabaseUnavailableError).retryable).toBe(true);
        expect((f.err as DatabaseUnavailableError).code).toBe("DB_UNAVAILABLE");
        // Fails fast (bounded by the connect timeout), never hangs until the failover is over.
        expect(f.ms).toBeLessThan(5000);
      }
      expect(recoveredAfterMs).toBeDefined();
      const after = await db.$queryRaw<{ port: number }[]>`select inet_server_port() as port`;
      expect(Number(after[0]?.port)).not.toBe(old.pgPort);
    } finally {
      startPgMember(t, old);
      await waitClusterReady(t, c, 90_000);
    }
  });
});
