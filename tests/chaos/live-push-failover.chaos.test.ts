/**
 * The live order pushes' whole delivery path under a gateway failure: outbox rows in core → the
 * leader-elected outbox relay → BullMQ → the ONE gateway instance that consumes the live-push
 * queues (etcd election) → Socket.IO rooms, relayed by the Redis adapter → open order pages that
 * reach the gateways through HAProxy's `/socket.io/` route. Two real gateway processes; the
 * consuming one is SIGKILLed mid-stream in one round and SIGSTOPped (past its lease) in the other.
 *
 * Each open page is modelled twice: a push-only observer (the last version any push or join
 * snapshot told it) and a page that follows the storefront's rule (`versionToRead` + the slow
 * re-read timer). Both must reach every order's final version: the push path on its own is
 * at-least-once for the final state, and the page never stays behind.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { loadAuthEnv } from "@agora/api/env";
import { ORDER_RESYNC_MS, type OrderPush, type SubscribeAck, versionToRead } from "@agora/api/live";
import { closeAll, core } from "@agora/db";
import { processEnv } from "@agora/infra-local/env";
import { haproxyServers, routable } from "@agora/infra-local/probes";
import { REPO_ROOT, topology } from "@agora/infra-local/topology";
import { etcdClientOptions } from "@agora/registry";
import { Etcd3 } from "etcd3";
import { encode } from "next-auth/jwt";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startOutboxRelay,
  type RunningRelay,
} from "../../apps/workers/src/outbox/relay-process.ts";

const t = topology("test");
const run = randomUUID().slice(0, 8);
const ELECTION = `realtime-push-chaos-${run}`;
const PAGES = 12;
/** The saga's path as the order page shows it; the last one is the state every page must reach. */
const STEPS = [
  ["StockReserved", "STOCK_RESERVED"],
  ["PaymentAuthorized", "PAYMENT_AUTHORIZED"],
  ["OrderConfirmed", "CONFIRMED"],
  ["PaymentCaptured", "CAPTURED"],
  ["ReadyForFulfilment", "READY_FOR_FULFILMENT"],
] as const;
const FINAL_VERSION = STEPS.length + 1;

type GatewayName = "realtime-1" | "realtime-2";
const GATEWAYS: GatewayName[] = ["realtime-1", "realtime-2"];
const gateways = new Map<GatewayName, ChildProcess>();
const sockets: Socket[] = [];
let relay: RunningRelay;
let userId: string;
const etcd = new Etcd3(etcdClientOptions(t.etcd.map((e) => `https://${t.host}:${e.clientPort}`)));

function startGateway(name: GatewayName): ChildProcess {
  mkdirSync(t.logDir, { recursive: true });
  const out = openSync(join(t.logDir, `chaos-${name}.log`), "a");
  // Exactly what the launcher gives a gateway, with this run's own election name.
  const env = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "test" as const,
    ...processEnv(t, name),
    REALTIME_PUSH_ELECTION: ELECTION,
  };
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(REPO_ROOT, "apps/workers/src/main.ts"), name],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", out, out],
    },
  );
  gateways.set(name, child);
  return child;
}

const alive = (c: ChildProcess | undefined) => !!c && c.exitCode === null && c.signalCode === null;

/** Both gateways running, healthy and routed by HAProxy, so pages spread over both. */
async function ensureGateways(): Promise<void> {
  for (const name of GATEWAYS) if (!alive(gateways.get(name))) startGateway(name);
  for (const port of t.apps.realtime) await until(`gateway :${port}`, () => healthy(port), 90_000);
  await until(
    "HAProxy routing to both gateways",
    async () => routable(await haproxyServers(t).catch(() => []), "realtime_gateway").length === 2,
    30_000,
  );
}

/** The gateway process holding the live-push lease, from the election key in etcd. */
async function consumingGateway(): Promise<{ name: string; child: ChildProcess } | undefined> {
  const holder = await etcd.get(`/agora/leaders/${ELECTION}`).string();
  const pid = Number(/:(\d+)$/.exec(holder ?? "")?.[1]);
  for (const [name, child] of gateways)
    if (child.pid === pid && alive(child)) return { name, child };
  return undefined;
}

async function until<T>(
  what: string,
  probe: () => Promise<T> | T,
  ms = 60_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(200);
  }
}

async function healthy(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://${t.host}:${port}/healthz`, { signal: AbortSignal.timeout(1000) }))
      .ok;
  } catch (err) {
    if (err instanceof Error) return false;
    throw err;
  }
}

/** What the order page would show: the replica, or the primary when it is behind `minVersion`. */
async function readVersion(orderId: string, minVersion?: number): Promise<number> {
  const q = `SELECT version FROM orders WHERE id = $1::uuid`;
  const fromReplica = await core()
    .replica.$queryRawUnsafe<{ version: number }[]>(q, orderId)
    .catch(() => []);
  const v = fromReplica[0]?.version ?? 0;
  if (minVersion === undefined || v >= minVersion) return v;
  const fromPrimary = await core().primary.$queryRawUnsafe<{ version: number }[]>(q, orderId);
  return fromPrimary[0]?.version ?? 0;
}

interface Page {
  orderId: string;
  /** Last version announced by any push (events and join snapshots): the push path alone. */
  pushed: number;
  /** The version the page shows, following the storefront's re-read rule. */
  shown: number;
  requested?: number;
  reconnects: number;
  close(): void;
}

/** An order page through the HAProxy gateway, like the storefront's OrderTracker. */
async function openPage(orderId: string, cookie: string): Promise<Page> {
  const shown = await readVersion(orderId);
  const socket = connect(`http://${t.host}:${t.apps.gateway}`, {
    path: "/socket.io/",
    transports: ["websocket"],
    reconnectionDelay: 200,
    reconnectionDelayMax: 1_000,
    extraHeaders: { cookie },
  });
  sockets.push(socket);
  const page: Page = {
    orderId,
    pushed: 0,
    shown,
    reconnects: -1,
    close: () => {
      clearInterval(timer);
      socket.disconnect();
    },
  };
  const reread = async (minVersion?: number) => {
    const v = await readVersion(orderId, minVersion).catch(() => page.shown);
    page.shown = Math.max(page.shown, v);
  };
  socket.on("order", (p: OrderPush) => {
    if (p.orderId !== orderId) return;
    page.pushed = Math.max(page.pushed, p.version);
    const next = versionToRead(page.shown, page.requested, p);
    if (next !== null) {
      page.requested = next;
      void reread(next);
    }
  });
  const acks: SubscribeAck[] = [];
  socket.on("connect", () => {
    page.reconnects++;
    socket.emit("subscribe", { room: `order:${orderId}` }, (a: SubscribeAck) => acks.push(a));
  });
  const timer = setInterval(() => {
    if (page.shown < FINAL_VERSION) void reread(page.requested);
  }, ORDER_RESYNC_MS);
  await until(`order room joined for ${orderId}`, () => acks.find((a) => a.ok), 20_000);
  return page;
}

async function placeOrders(n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => randomUUID());
  for (const id of ids) {
    await core().primary.order.create({
      data: { id, userId, status: "PENDING", totalCents: 1000, version: 1 },
    });
  }
  return ids;
}

/** Appends step `i` to every order exactly as the order store does: row, event version, outbox. */
async function appendStep(orderIds: string[], i: number): Promise<void> {
  const [type, status] = STEPS[i]!;
  const version = i + 2;
  const at = new Date().toISOString();
  await core().primary.$transaction(async (tx) => {
    for (const orderId of orderIds) {
      await tx.order.update({ where: { id: orderId }, data: { status, version } });
      await tx.$executeRawUnsafe(
        `INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) VALUES ('order', $1, $2, $3::jsonb)`,
        orderId,
        type,
        JSON.stringify({ orderId, userId, version, type, status, at, vendorIds: [], detail: {} }),
      );
    }
  });
}

async function sessionCookie(): Promise<string> {
  const { secret } = loadAuthEnv("storefront");
  const jwt = await encode({
    secret,
    token: {
      sub: userId,
      email: `live-chaos-${run}@test.agora.local`,
      name: "Live",
      roles: ["shopper"],
      aud: "storefront",
    },
  });
  return `agora-storefront.session-token=${jwt}`;
}

beforeAll(async () => {
  const user = await core().primary.user.create({
    data: {
      email: `live-chaos-${run}@test.agora.local`,
      name: "Live Chaos",
      passwordHash: "not-a-login",
    },
  });
  userId = user.id;
  await ensureGateways();
  relay = startOutboxRelay({
    name: `outbox-relay-live-chaos-${run}`,
    pollEveryMs: 100,
    ttlSeconds: 10,
  });
  await until("a gateway consuming live pushes", consumingGateway, 30_000);
});

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  for (const child of gateways.values()) {
    if (alive(child)) {
      child.kill("SIGCONT");
      child.kill("SIGKILL");
    }
  }
  await relay?.close();
  etcd.close();
  await closeAll();
});

async function streamWithFault(fault: (consumer: ChildProcess) => Promise<void>) {
  await ensureGateways();
  const orderIds = await placeOrders(PAGES);
  const cookie = await sessionCookie();
  const pages = await Promise.all(orderIds.map((id) => openPage(id, cookie)));
  const before = await until("the consuming gateway", consumingGateway, 30_000);
  try {
    for (let i = 0; i < STEPS.length; i++) {
      await appendStep(orderIds, i);
      if (i === 1) await fault(before.child);
      await sleep(700);
    }
    const started = Date.now();
    const pageStates = () =>
      pages.map((p) => `${p.orderId.slice(0, 8)} pushed v${p.pushed} shows v${p.shown}`).join("; ");
    // The push path alone (join snapshots included) reaches every page's final state...
    await until(
      "every page pushed its order's final version",
      () => pages.every((p) => p.pushed === FINAL_VERSION),
      60_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${pageStates()}`);
    });
    const pushSeconds = (Date.now() - started) / 1000;
    // ...and every page shows it.
    await until(
      "every page shows the final version",
      () => pages.every((p) => p.shown === FINAL_VERSION),
      30_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${pageStates()}`);
    });
    const after = await consumingGateway();
    return { before, after, pages, pushSeconds };
  } finally {
    for (const p of pages) p.close();
  }
}

describe("live order pushes through a gateway failure", () => {
  it("brings every open order page to its final state when the consuming gateway is SIGKILLed mid-stream", async () => {
    const r = await streamWithFault(async (consumer) => {
      consumer.kill("SIGKILL");
    });
    expect(r.after?.name).toBeDefined();
    expect(r.after?.name).not.toBe(r.before.name);
    // Pages are spread over both instances: those on the killed one reconnected through HAProxy.
    expect(r.pages.some((p) => p.reconnects > 0)).toBe(true);
    process.stdout.write(
      `[live-push] kill: ${r.before.name} → ${r.after?.name}; final state pushed to all ${PAGES} pages ` +
        `${r.pushSeconds.toFixed(1)} s after the last event; reconnects ${r.pages.reduce((s, p) => s + p.reconnects, 0)}\n`,
    );
  });

  it("brings every open order page to its final state when the consuming gateway is frozen past its lease", async () => {
    let frozen: ChildProcess | undefined;
    const r = await streamWithFault(async (consumer) => {
      frozen = consumer;
      // The remaining events are committed while it is frozen (before its 5 s lease lapses and
      // before HAProxy's check gives up on it): another instance must take over the queue, and
      // the pages on the frozen one rejoin elsewhere after those pushes went out.
      consumer.kill("SIGSTOP");
    }).finally(() => frozen?.kill("SIGCONT"));
    // Its sockets were cut by HAProxy once its health check timed out; they rejoined elsewhere.
    expect(r.pages.some((p) => p.reconnects > 0)).toBe(true);
    expect(r.after?.name).toBeDefined();
    expect(r.after?.name).not.toBe(r.before.name);
    process.stdout.write(
      `[live-push] freeze: ${r.before.name} → ${r.after?.name}; final state pushed to all ${PAGES} pages ` +
        `${r.pushSeconds.toFixed(1)} s after the last event\n`,
    );
  });
});
