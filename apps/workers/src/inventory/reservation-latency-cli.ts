/**
 * Latency of one stock reservation, three ways, against a running topology:
 *   in-process       reserveStock() on the vendor's shard, from this process
 *   in-process+key   the same behind the service's idempotency ledger (core), still in-process
 *   grpc             the inventory gRPC service (every instance, round-robin), as the saga calls it
 * Calls of the three modes are interleaved in small batches so machine load hits them alike.
 *
 *   set -a; eval "$(npm run -s infra:env -- --profile test)"; set +a   # or the dev topology's
 *   npx tsx apps/workers/src/inventory/reservation-latency-cli.ts --count 100 [--concurrency 1] [--json]
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { z } from "zod";
import { inventoryClientSchema, loadConfig } from "@agora/config";
import { serviceTlsFiles } from "@agora/config/service-tls";
import { closeAll, createVendor, withTenant } from "@agora/db";
import { createInventoryClient } from "@agora/inventory";
import { reserveStock, type ReserveStockInput } from "../stock/reserve-stock.ts";
import { grpcStock, inventoryKey } from "../stock/stock-service.ts";
import { reserveOnce } from "./inventory-service.ts";

const argsSchema = z.object({
  count: z.coerce.number().int().positive().max(2_000).default(100),
  concurrency: z.coerce.number().int().positive().max(32).default(1),
  json: z.boolean().default(false),
});
const { values } = parseArgs({
  options: {
    count: { type: "string" },
    concurrency: { type: "string" },
    json: { type: "boolean" },
  },
});
const args = argsSchema.parse(values);
const WARMUP = 5;
const BATCH = 10;

const env = loadConfig(inventoryClientSchema);
const client = createInventoryClient({
  target: env.AGORA_INVENTORY_TARGET,
  deadlineMs: env.AGORA_INVENTORY_DEADLINE_MS,
  tls: serviceTlsFiles(),
});
const grpc = grpcStock(client);

type Mode = "in-process" | "in-process+key" | "grpc";
const MODES: Record<Mode, (input: ReserveStockInput) => Promise<unknown>> = {
  "in-process": reserveStock,
  "in-process+key": ({ orderId, vendorId, lines, totalCents }) =>
    reserveOnce({
      idempotencyKey: inventoryKey(orderId, vendorId, "reserve"),
      orderId,
      vendorId,
      lines: lines.map((l) => ({ productId: l.productId, variantId: "", quantity: l.quantity })),
      totalCents,
      currency: "EUR",
    }),
  grpc: (input) => grpc.reserve(input),
};

const run = randomUUID().slice(0, 8);
const vendor = await createVendor({ slug: `bench-inv-${run}`, name: `Bench inventory ${run}` });
const units = (args.count + WARMUP) * Object.keys(MODES).length + 10;
const productId = await withTenant(vendor.id, async (tx) => {
  const wh = await tx.warehouse.create({ data: { vendorId: vendor.id, code: "B", name: "Bench" } });
  const p = await tx.product.create({
    data: {
      vendorId: vendor.id,
      categoryId: randomUUID(),
      categorySlug: "bench",
      title: `Bench product ${run}`,
      description: "reservation latency bench",
      priceCents: 100,
    },
  });
  await tx.stockLevel.create({
    data: { vendorId: vendor.id, warehouseId: wh.id, productId: p.id, onHand: units },
  });
  return p.id;
});

const samples: Record<Mode, number[]> = { "in-process": [], "in-process+key": [], grpc: [] };
const errors: Record<Mode, number> = { "in-process": 0, "in-process+key": 0, grpc: 0 };

async function once(mode: Mode, record: boolean): Promise<void> {
  const input = {
    orderId: randomUUID(),
    vendorId: vendor.id,
    lines: [{ productId, quantity: 1 }],
    totalCents: 100,
  };
  const t0 = performance.now();
  try {
    await MODES[mode](input);
    if (record) samples[mode].push(performance.now() - t0);
  } catch (err) {
    errors[mode]++;
    process.stderr.write(`${mode}: ${err instanceof Error ? err.message : String(err)}\n`);
  }
}

async function batch(mode: Mode, n: number, record: boolean): Promise<void> {
  let left = n;
  await Promise.all(
    Array.from({ length: Math.min(args.concurrency, n) }, async () => {
      while (left-- > 0) await once(mode, record);
    }),
  );
}

const modes = Object.keys(MODES) as Mode[];
for (const mode of modes) await batch(mode, WARMUP, false);
for (let done = 0, round = 0; done < args.count; done += BATCH, round++) {
  const n = Math.min(BATCH, args.count - done);
  // Rotate the order every round, so no mode always runs right after another.
  for (let i = 0; i < modes.length; i++) {
    const mode = modes[(i + round) % modes.length];
    if (mode) await batch(mode, n, true);
  }
  process.stderr.write(`\r${Math.min(done + n, args.count)}/${args.count}`);
}
process.stderr.write("\n");

const quantile = (sorted: number[], q: number) =>
  sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0) : 0;
const rows = modes.map((mode) => {
  const s = [...samples[mode]].sort((a, b) => a - b);
  const r1 = (v: number) => Math.round(v * 10) / 10;
  return {
    mode,
    n: s.length,
    errors: errors[mode],
    p50Ms: r1(quantile(s, 0.5)),
    p95Ms: r1(quantile(s, 0.95)),
    p99Ms: r1(quantile(s, 0.99)),
    meanMs: r1(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
});
if (args.json) process.stdout.write(`${JSON.stringify({ ...args, rows }, null, 2)}\n`);
else {
  process.stdout.write(
    `reservation latency, ${args.count} calls per mode, concurrency ${args.concurrency}\n`,
  );
  process.stdout.write(
    `${"mode".padEnd(16)}${"n".padStart(6)}${"p50 ms".padStart(10)}${"p95 ms".padStart(10)}${"p99 ms".padStart(10)}${"mean ms".padStart(10)}${"errors".padStart(8)}\n`,
  );
  for (const r of rows)
    process.stdout.write(
      `${r.mode.padEnd(16)}${String(r.n).padStart(6)}${String(r.p50Ms).padStart(10)}${String(r.p95Ms).padStart(10)}${String(r.p99Ms).padStart(10)}${String(r.meanMs).padStart(10)}${String(r.errors).padStart(8)}\n`,
    );
}
client.close();
await closeAll();
