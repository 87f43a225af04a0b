/**
 * A small TCP fault proxy that sits in the path between the apps and a database cluster's
 * read-write HAProxy port. With no fault it is a transparent pipe; an operator can add latency
 * (each chunk, both directions, order kept), drop a share of new connections, or black-hole the
 * path (new connections hang, open ones are cut) — the network faults that `tc netem` would give,
 * without root namespaces, and only on 127.0.0.1.
 *
 * Written by hand because the npm proxies with fault injection (toxiproxy clients) all need the
 * toxiproxy server binary, which is not packaged for Debian.
 */
import { createServer, type Server, type Socket, connect } from "node:net";
import { z } from "zod";

export const proxyFaultSchema = z.strictObject({
  latencyMs: z.number().int().min(0).max(30_000).default(0),
  /** Share of NEW connections closed at once (the client sees a reset). */
  dropRate: z.number().min(0).max(1).default(0),
  /** New connections are held open without forwarding; open ones are cut when it is set. */
  blackhole: z.boolean().default(false),
  /** Extra delay per chunk, uniformly 0..jitterMs (order still kept): a link that wobbles. */
  jitterMs: z.number().int().min(0).max(30_000).default(0),
  /**
   * One direction only: `up` swallows what clients send (client → target), `down` what comes back.
   * TCP cannot lose bytes silently, so a connection stalls as a real one-way partition makes it
   * stall; entering or leaving it cuts open connections (as the black hole does).
   */
  block: z.enum(["none", "up", "down"]).default("none"),
  /** Share of open connections cut each second (a flaky link resetting long-lived connections). */
  cutPerSecond: z.number().min(0).max(1).default(0),
});
export type ProxyFault = z.infer<typeof proxyFaultSchema>;
export const NO_PROXY_FAULT: ProxyFault = proxyFaultSchema.parse({});

export interface FaultProxyStats {
  accepted: number;
  dropped: number;
  open: number;
  bytesUp: number;
  bytesDown: number;
}

export interface FaultProxy {
  readonly name: string;
  readonly listenPort: number;
  readonly targetPort: number;
  fault(): ProxyFault;
  setFault(f: ProxyFault): void;
  /**
   * The fault for connections `classify` put in class `cls` (a proxy built with it); connections
   * it could not place get `setFault`'s.
   */
  setClassFault(cls: string, f: ProxyFault): void;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

/** Forwards chunks after `delayMs`, keeping their order (a FIFO of timers would reorder on clock jitter). */
function delayedPipe(
  from: Socket,
  to: Socket,
  delayMs: () => number,
  count: (n: number) => void,
  blocked: () => boolean = () => false,
) {
  const queue: { due: number; chunk: Buffer }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    const now = Date.now();
    while (queue.length && (queue[0]?.due ?? Infinity) <= now) {
      const next = queue.shift();
      if (next && !to.destroyed) to.write(next.chunk);
    }
    const head = queue[0];
    if (head) timer = setTimeout(flush, Math.max(0, head.due - Date.now()));
  };
  from.on("data", (chunk: Buffer) => {
    count(chunk.length);
    if (blocked()) return;
    const ms = delayMs();
    if (ms <= 0 && queue.length === 0) {
      to.write(chunk);
      return;
    }
    // Never before the chunk ahead of it (jitter must not reorder the stream).
    const due = Math.max(Date.now() + ms, queue[queue.length - 1]?.due ?? 0);
    queue.push({ due, chunk });
    timer ??= setTimeout(flush, Math.max(0, due - Date.now()));
  });
  from.on("close", () => {
    if (timer) clearTimeout(timer);
    to.destroy();
  });
}

export async function startFaultProxy(opts: {
  name: string;
  host: string;
  listenPort: number;
  targetPort: number;
  random?: () => number;
  /**
   * Puts each new connection in a class (e.g. where its dialler is) before anything is forwarded;
   * the class's fault (setClassFault) then applies to it. Bytes wait in the socket meanwhile.
   */
  classify?: (client: Socket) => Promise<string | undefined>;
}): Promise<FaultProxy> {
  let defaultFault = NO_PROXY_FAULT;
  const classFaults = new Map<string, ProxyFault>();
  const classOf = new WeakMap<Socket, string>();
  const faultOf = (s: Socket): ProxyFault => {
    const cls = classOf.get(s);
    return (cls !== undefined ? classFaults.get(cls) : undefined) ?? defaultFault;
  };
  const random = opts.random ?? Math.random;
  const sockets = new Set<Socket>();
  const stats: FaultProxyStats = { accepted: 0, dropped: 0, open: 0, bytesUp: 0, bytesDown: 0 };
  const accept = (client: Socket) => {
    client.on("error", () => client.destroy());
    if (!opts.classify) return handle(client);
    client.pause();
    opts
      .classify(client)
      .catch(() => undefined)
      .then((cls) => {
        if (client.destroyed) return;
        if (cls !== undefined) classOf.set(client, cls);
        handle(client);
        client.resume();
      });
  };
  const handle = (client: Socket) => {
    const fault = () => faultOf(client);
    stats.accepted++;
    if (fault().dropRate > 0 && random() < fault().dropRate) {
      stats.dropped++;
      client.resetAndDestroy();
      return;
    }
    sockets.add(client);
    stats.open++;
    client.on("close", () => {
      sockets.delete(client);
      stats.open--;
    });
    if (fault().blackhole) return; // held until the client gives up or the fault is cleared and it is cut
    const upstream = connect({ host: opts.host, port: opts.targetPort });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
    const delay = () => {
      const f = fault();
      return f.latencyMs + (f.jitterMs > 0 ? Math.floor(random() * (f.jitterMs + 1)) : 0);
    };
    delayedPipe(
      client,
      upstream,
      delay,
      (n) => (stats.bytesUp += n),
      () => fault().block === "up",
    );
    delayedPipe(
      upstream,
      client,
      delay,
      (n) => (stats.bytesDown += n),
      () => fault().block === "down",
    );
  };
  const server: Server = createServer(accept);
  const cutter = setInterval(() => {
    for (const s of sockets) {
      const f = faultOf(s);
      if (f.cutPerSecond > 0 && random() < f.cutPerSecond) s.destroy();
    }
  }, 1000);
  cutter.unref();
  // Entering or leaving a black hole or a one-way block cuts what is open, as a dead link (or its repair) would.
  const cutChanged = (before: Map<Socket, ProxyFault>) => {
    for (const [s, was] of before) {
      const now = faultOf(s);
      if (now.blackhole !== was.blackhole || now.block !== was.block) s.destroy();
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.listenPort, opts.host, () => resolve());
  });
  return {
    name: opts.name,
    listenPort: opts.listenPort,
    targetPort: opts.targetPort,
    fault: () => defaultFault,
    setFault(f) {
      const before = new Map([...sockets].map((s) => [s, faultOf(s)]));
      defaultFault = f;
      cutChanged(before);
    },
    setClassFault(cls, f) {
      const before = new Map([...sockets].map((s) => [s, faultOf(s)]));
      classFaults.set(cls, f);
      cutChanged(before);
    },
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(cutter);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
