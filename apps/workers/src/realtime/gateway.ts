/**
 * The Socket.IO gateway: one HTTP server per instance with `/healthz`, `/readyz` and Socket.IO at
 * `/socket.io/` (websocket transport only, so no sticky sessions are needed behind HAProxy). The
 * Redis adapter relays every room emit to the other instances over Redis pub/sub, so a push made
 * by whichever instance consumes the outbox reaches subscribers connected to any instance.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdapter } from "@socket.io/redis-adapter";
import type { ProductAvailability } from "@agora/db";
import type { Redis } from "ioredis";
import { Server, type Socket } from "socket.io";
import { mayJoin, type RoomAccess } from "./room-access.ts";
import {
  type OrderPush,
  parseRoom,
  roomRequestSchema,
  type StockPush,
  type SubscribeAck,
} from "./rooms.ts";

export interface GatewayOptions {
  /** Instance name for logs and /healthz (`realtime-1`). */
  name: string;
  /** Publisher and subscriber connections of the adapter (a subscriber cannot publish). */
  pub: Redis;
  sub: Redis;
  access: RoomAccess;
  /** The current availability of a product, sent on (re)subscribe; null = unknown product. */
  snapshot: (productId: string) => Promise<ProductAvailability | null>;
}

export interface LiveGateway {
  io: Server;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

type Ack = (ack: SubscribeAck) => void;

function log(level: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level, pool: "realtime", ...fields })}\n`);
}

function toHeaders(h: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [k, v] of Object.entries(h)) {
    if (typeof v === "string") out.set(k, v);
    else if (Array.isArray(v)) for (const x of v) out.append(k, x);
  }
  return out;
}

/** A client may omit the ack callback; never call a non-function. */
function ackOf(cb: unknown): Ack {
  return typeof cb === "function" ? (cb as Ack) : () => {};
}

export function createLiveGateway(opts: GatewayOptions): LiveGateway {
  const http = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/healthz") {
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ ok: true, name: opts.name }));
      return;
    }
    if (path === "/readyz") {
      const redis = { pub: opts.pub.status, sub: opts.sub.status };
      const ok = redis.pub === "ready" && redis.sub === "ready";
      res
        .writeHead(ok ? 200 : 503, { "content-type": "application/json" })
        .end(JSON.stringify({ ok, name: opts.name, redis }));
      return;
    }
    // Socket.IO answers its own path before this handler runs; anything else is not ours.
    if (!path?.startsWith("/socket.io/")) res.writeHead(404).end();
  });
  const io = new Server(http, {
    path: "/socket.io/",
    transports: ["websocket"],
    serveClient: false,
    adapter: createAdapter(opts.pub, opts.sub),
  });

  io.on("connection", (socket: Socket) => {
    socket.on("subscribe", async (payload: unknown, cb: unknown) => {
      const ack = ackOf(cb);
      const req = roomRequestSchema.safeParse(payload);
      const room = req.success ? parseRoom(req.data.room) : null;
      if (!room) return ack({ ok: false, error: "bad_room" });
      const decision = await mayJoin(opts.access, room, toHeaders(socket.handshake.headers));
      if (!decision.ok) return ack(decision);
      await socket.join(room.name);
      ack({ ok: true });
      // Joined first, then read: a change committed in between arrives as a push as well, so the
      // client has every state from its subscription on (at least once; pushes are absolute).
      if (room.kind === "product") {
        try {
          const now = await opts.snapshot(room.id);
          if (now !== null)
            socket.emit("stock", { productId: room.id, ...now } satisfies StockPush);
        } catch (err) {
          // The client keeps the value it rendered; the next push corrects it.
          log("warn", { msg: "stock snapshot failed", productId: room.id, err: String(err) });
        }
      } else {
        try {
          const now = await opts.access.orderSnapshot(room.id);
          if (now !== null) socket.emit("order", now satisfies OrderPush);
        } catch (err) {
          // The page's slow re-read timer catches up instead.
          log("warn", { msg: "order snapshot failed", orderId: room.id, err: String(err) });
        }
      }
    });
    socket.on("unsubscribe", async (payload: unknown, cb: unknown) => {
      const ack = ackOf(cb);
      const req = roomRequestSchema.safeParse(payload);
      const room = req.success ? parseRoom(req.data.room) : null;
      if (!room) return ack({ ok: false, error: "bad_room" });
      await socket.leave(room.name);
      ack({ ok: true });
    });
  });

  return {
    io,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        http.once("error", reject);
        http.listen(port, host, () => resolve((http.address() as AddressInfo).port));
      }),
    close: async () => {
      // io.close() also closes the HTTP server and disconnects every socket.
      await io.close();
    },
  };
}
