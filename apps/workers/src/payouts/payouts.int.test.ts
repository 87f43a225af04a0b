/**
 * Payout settlement against the real topology: PREPARE TRANSACTION on the core and shard Patroni
 * clusters through HAProxy, the coordinator log in core, and recovery after failures injected at
 * each step — in-process, and by SIGKILLing a real `main.ts maintenance` process mid-protocol.
 * Every test uses its own vendor, credited directly with the checkout's ledger helpers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  closeAll,
  core,
  createVendor,
  listPreparedTransactions,
  shardNames,
  withTenant,
  type CoreTx,
} from "@agora/db";
import {
  DAY_MS,
  PAYABLE_BALANCE_SQL,
  PAYOUTS_QUEUE,
  SETTLE_VENDOR_JOB,
  toBalances,
  vendorPayableCode,
} from "@agora/api/payouts";
import { createRedis } from "@agora/redis";
import { captureLegs, postLedgerTransaction } from "../sagas/checkout/ledger.ts";
import { recoverPayouts } from "./recover-payouts.ts";
import { settleVendor, type PayoutFaultPoint } from "./settle-payout.ts";

const run = randomUUID().slice(0, 8);
const settle = { periodMs: DAY_MS };
let vendorCount = 0;

async function newVendor(): Promise<string> {
  vendorCount++;
  const v = await createVendor({
    slug: `payout-${run}-${vendorCount}`,
    name: `Payout ${run} ${vendorCount}`,
  });
  return v.id;
}

/** One captured order for the vendor: the checkout's own ledger posting (payable = price − fee). */
async function capture(vendorId: string, priceCents: number): Promise<number> {
  const legs = captureLegs([
    { vendorId, productId: randomUUID(), quantity: 1, unitPriceCents: priceCents },
  ]);
  await core().primary.$transaction((tx) =>
    postLedgerTransaction(tx as CoreTx, randomUUID(), "EUR", legs, "payout test capture"),
  );
  return legs.find((l) => l.vendorId === vendorId)?.amountCents ?? 0;
}

async function payable(vendorId: string): Promise<number> {
  const rows = await core().primary.$queryRawUnsafe<{ currency: string; balance: bigint }[]>(
    PAYABLE_BALANCE_SQL,
    vendorPayableCode(vendorId),
  );
  return toBalances(rows).find((b) => b.currency === "EUR")?.balanceCents ?? 0;
}

async function preparedFor(payoutId: string): Promise<string[]> {
  const all = await Promise.all(
    [core().name, ...shardNames()].map((c) => listPreparedTransactions(c, `payout:${payoutId}`)),
  );
  return all.flat().map((x) => x.gid);
}

/** What each side holds for a payout: the core ledger posting + outbox event, the shard record. */
async function sides(vendorId: string, payoutId: string) {
  const db = core().primary;
  const row = await db.payout.findUnique({ where: { id: payoutId } });
  const entries = row?.ledgerTransactionId
    ? await db.ledgerEntry.findMany({ where: { transactionId: row.ledgerTransactionId } })
    : [];
  const outbox = await db.outbox.findMany({
    where: { aggregateType: "payout", aggregateId: payoutId },
  });
  const shardRows = await withTenant(vendorId, (tx) =>
    tx.vendorPayout.findMany({ where: { id: payoutId } }),
  );
  return { row, entries, outbox, shardRows };
}

async function ledgerImbalance(): Promise<number> {
  const [r] = await core().primary.$queryRaw<{ imbalance: bigint }[]>`
    SELECT COALESCE(sum(CASE direction WHEN 'debit' THEN amount_cents ELSE -amount_cents END), 0) AS imbalance
    FROM ledger_entries`;
  return Number(r?.imbalance ?? 0);
}

async function expectPaid(vendorId: string, payoutId: string, amount: number) {
  const s = await sides(vendorId, payoutId);
  expect(s.row?.state).toBe("committed");
  expect(s.row?.amountCents).toBe(amount);
  expect(s.entries.map((e) => [e.direction, e.amountCents]).sort()).toEqual([
    ["credit", amount],
    ["debit", amount],
  ]);
  expect(s.outbox).toHaveLength(1);
  expect(s.outbox[0]?.eventType).toBe("PayoutCompleted");
  expect(s.outbox[0]?.payload).toEqual({
    payoutId,
    vendorId,
    amountCents: amount,
    currency: "EUR",
    periodEnd: s.row?.periodEnd.toISOString(),
  });
  expect(s.shardRows.map((r) => r.amountCents)).toEqual([amount]);
  expect(await preparedFor(payoutId)).toEqual([]);
  expect(await ledgerImbalance()).toBe(0);
}

async function expectNothingPaid(vendorId: string, payoutId: string) {
  const s = await sides(vendorId, payoutId);
  expect(s.row?.state).toBe("aborted");
  expect(s.entries).toEqual([]);
  expect(s.outbox).toEqual([]);
  expect(s.shardRows).toEqual([]);
  expect(await preparedFor(payoutId)).toEqual([]);
}

afterAll(async () => {
  await closeAll();
});

describe("payout settlement (two-phase commit across core and the vendor's shard)", () => {
  it("pays the vendor's payable balance once: ledger, outbox and shard record agree, nothing stays prepared", async () => {
    const vendorId = await newVendor();
    const owed = (await capture(vendorId, 12_000)) + (await capture(vendorId, 3_450));
    expect(await payable(vendorId)).toBe(owed);

    const [first] = await settleVendor(vendorId, settle);
    expect(first?.outcome).toBe("committed");
    await expectPaid(vendorId, first?.payoutId ?? "", owed);
    expect(await payable(vendorId)).toBe(0);
    expect(
      (await core().primary.payout.findUnique({ where: { id: first?.payoutId ?? "" } }))
        ?.completedAt,
    ).not.toBeNull();

    // Same period again, even with new money owed: nothing more is paid in this period.
    await capture(vendorId, 500);
    const again = await settleVendor(vendorId, settle);
    expect(again.map((r) => [r.outcome, r.payoutId])).toEqual([["existing", first?.payoutId]]);
    expect(await core().primary.payout.count({ where: { vendorId } })).toBe(1);
    expect(await withTenant(vendorId, (tx) => tx.vendorPayout.count())).toBe(1);
  });

  it("pays once when two settlements of the same vendor race", async () => {
    const vendorId = await newVendor();
    const owed = await capture(vendorId, 9_990);
    const results = (
      await Promise.all([settleVendor(vendorId, settle), settleVendor(vendorId, settle)])
    ).flat();
    expect(results.filter((r) => r.outcome === "committed")).toHaveLength(1);
    const paid = results.find((r) => r.outcome === "committed");
    await expectPaid(vendorId, paid?.payoutId ?? "", owed);
    expect(await payable(vendorId)).toBe(0);
  });

  it("pays nothing and records nothing when nothing is owed", async () => {
    const vendorId = await newVendor();
    expect(await settleVendor(vendorId, settle)).toEqual([]);
    expect(await core().primary.payout.count({ where: { vendorId } })).toBe(0);
  });

  it.each<PayoutFaultPoint>(["after-core-prepare", "after-shard-prepare"])(
    "rolls both participants back when the settlement fails %s (presumed abort), and a later run pays",
    async (point) => {
      const vendorId = await newVendor();
      const owed = await capture(vendorId, 4_200);
      let payoutId = "";
      await expect(
        settleVendor(vendorId, {
          ...settle,
          fault: (p, id) => {
            payoutId = id;
            if (p === point) throw new Error(`injected failure ${point}`);
          },
        }),
      ).rejects.toThrow(`injected failure ${point}`);
      await expectNothingPaid(vendorId, payoutId);
      expect(await payable(vendorId)).toBe(owed);

      const [retry] = await settleVendor(vendorId, settle);
      expect(retry?.outcome).toBe("committed");
      await expectPaid(vendorId, retry?.payoutId ?? "", owed);
    },
  );

  it("commits both participants from the coordinator log when the coordinator fails after its decision", async () => {
    const vendorId = await newVendor();
    const owed = await capture(vendorId, 7_000);
    let payoutId = "";
    await expect(
      settleVendor(vendorId, {
        ...settle,
        fault: (p, id) => {
          payoutId = id;
          if (p === "after-decision") throw new Error("coordinator lost after the decision");
        },
      }),
    ).rejects.toThrow("coordinator lost");
    // In doubt: decided, but both participants still prepared (and holding their locks).
    expect((await preparedFor(payoutId)).sort()).toEqual([
      `payout:${payoutId}:core`,
      `payout:${payoutId}:shard`,
    ]);
    expect((await sides(vendorId, payoutId)).shardRows).toEqual([]);

    const report = await recoverPayouts({ graceMs: 0 });
    expect(report.committed).toBeGreaterThanOrEqual(2);
    await expectPaid(vendorId, payoutId, owed);
    expect(
      (await core().primary.payout.findUnique({ where: { id: payoutId } }))?.completedAt,
    ).not.toBeNull();
  });

  it("leaves an undecided payout alone while it is younger than the grace period", async () => {
    const vendorId = await newVendor();
    await capture(vendorId, 1_000);
    let payoutId = "";
    await expect(
      settleVendor(vendorId, {
        ...settle,
        fault: async (p, id) => {
          payoutId = id;
          // Both prepared, then recovery runs before the coordinator decides.
          if (p !== "after-shard-prepare") return;
          const early = await recoverPayouts({ graceMs: 600_000 });
          expect(early.waiting).toBeGreaterThanOrEqual(2);
          expect(await preparedFor(id)).toHaveLength(2);
          await recoverPayouts({ graceMs: 0 });
        },
      }),
    ).resolves.toEqual([expect.objectContaining({ outcome: "aborted" })]);
    // Recovery aborted it first; the coordinator's decision (a compare-and-set) lost and followed.
    await expectNothingPaid(vendorId, payoutId);
  });
});

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const WORKERS_MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** `main.ts maintenance` in its own process group; resolves once it logged "started". */
async function startMaintenance(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", WORKERS_MAIN, "maintenance"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`maintenance did not start in 90 s: ${out}`)),
      90_000,
    );
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes('"msg":"started"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`maintenance exited (${code ?? signal}) before starting: ${out}`));
    });
  });
  return child;
}

function exited(child: ChildProcess, timeoutMs = 0): Promise<NodeJS.Signals | number | null> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child.signalCode ?? child.exitCode);
  return new Promise((resolve, reject) => {
    const timer =
      timeoutMs > 0
        ? setTimeout(
            () => reject(new Error(`process still running after ${timeoutMs} ms`)),
            timeoutMs,
          )
        : undefined;
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? code);
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const done = exited(child);
  process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  }, 15_000);
  await done;
  clearTimeout(timer);
}

describe("payout recovery after the maintenance process is SIGKILLed mid-settlement", () => {
  let queue: Queue;
  const children: ChildProcess[] = [];
  // No scheduled settlement: only the jobs this test adds (and the recovery at start) run.
  const quiet = { PAYOUT_SETTLE_EVERY_MS: "0", PAYOUT_RECOVER_EVERY_MS: "3600000" };

  beforeAll(() => {
    queue = new Queue(PAYOUTS_QUEUE, {
      connection: createRedis({
        maxRetriesPerRequest: null,
        connectionName: `test-payouts-${run}`,
      }),
    });
  });
  afterAll(async () => {
    for (const c of children) await stop(c);
    await queue.close();
  });

  it.each<[PayoutFaultPoint, "paid" | "absent"]>([
    ["after-core-prepare", "absent"],
    ["after-shard-prepare", "absent"],
    ["after-decision", "paid"],
  ])(
    "SIGKILL %s: recovery at the next start leaves both sides %s and nothing prepared",
    async (point, expected) => {
      const vendorId = await newVendor();
      const owed = await capture(vendorId, 5_500);
      const crashing = await startMaintenance({ ...quiet, PAYOUT_CRASH_AT: point });
      children.push(crashing);
      await queue.add(
        SETTLE_VENDOR_JOB,
        { vendorId },
        { removeOnComplete: true, removeOnFail: true },
      );
      expect(await exited(crashing, 90_000)).toBe("SIGKILL");

      const row = await core().primary.payout.findFirstOrThrow({ where: { vendorId } });
      const inDoubt = await preparedFor(row.id);
      expect(inDoubt.length).toBe(point === "after-core-prepare" ? 1 : 2);
      // Before the decision the log still says "preparing": recovery will presume abort.
      expect(row.state).toBe(point === "after-decision" ? "committed" : "preparing");

      const restarted = await startMaintenance({ ...quiet, PAYOUT_RECOVERY_GRACE_MS: "0" });
      children.push(restarted);
      if (expected === "paid") await expectPaid(vendorId, row.id, owed);
      else {
        await expectNothingPaid(vendorId, row.id);
        expect(await payable(vendorId)).toBe(owed);
      }
      await stop(restarted);
      // Two process starts per case on a loaded 2-core machine: the default 120 s is too tight.
    },
    300_000,
  );
});
