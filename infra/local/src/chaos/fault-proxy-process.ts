/**
 * `tsx infra/local/src/chaos/fault-proxy-process.ts`: one fault proxy per cluster (apps → proxy →
 * HAProxy read-write port) and a small HTTP control API the ops console calls:
 *   GET /faults                → every proxy's fault and counters
 *   PUT /faults/<cluster>      → set a fault (JSON body, see proxyFaultSchema)
 *   DELETE /faults/<cluster>   → clear it
 *   GET /healthz
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { topology } from "../topology.ts";
import {
  type FaultProxy,
  NO_PROXY_FAULT,
  proxyFaultSchema,
  startFaultProxy,
} from "./fault-proxy.ts";

const t = topology();
const proxies = new Map<string, FaultProxy>();
for (const c of t.clusters) {
  const listenPort = t.faultProxies[c.name];
  if (listenPort === undefined) continue;
  proxies.set(
    c.name,
    await startFaultProxy({ name: c.name, host: t.host, listenPort, targetPort: c.rwPort }),
  );
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
}

const view = (p: FaultProxy) => ({
  cluster: p.name,
  listenPort: p.listenPort,
  targetPort: p.targetPort,
  fault: p.fault(),
  stats: p.stats(),
});

const admin = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/healthz") return send(res, 200, { status: "ok" });
  if (url.pathname === "/faults" && req.method === "GET")
    return send(res, 200, [...proxies.values()].map(view));
  const m = /^\/faults\/([a-z0-9-]+)$/.exec(url.pathname);
  const proxy = m ? proxies.get(m[1] ?? "") : undefined;
  if (!proxy) return send(res, 404, { error: "unknown cluster" });
  if (req.method === "DELETE") {
    proxy.setFault(NO_PROXY_FAULT);
    return send(res, 200, view(proxy));
  }
  if (req.method === "PUT") {
    readJson(req)
      .then((body) => {
        const parsed = proxyFaultSchema.safeParse(body);
        if (!parsed.success) return send(res, 400, { error: parsed.error.issues });
        proxy.setFault(parsed.data);
        send(res, 200, view(proxy));
      })
      .catch((err: Error) => send(res, 400, { error: err.message }));
    return;
  }
  send(res, 405, { error: "method not allowed" });
});
admin.listen(t.faultProxyAdmin, t.host);
process.stdout.write(
  `${JSON.stringify({ level: "info", msg: "fault proxies up", admin: t.faultProxyAdmin, proxies: [...proxies.values()].map(view) })}\n`,
);

const stop = () => {
  admin.close();
  void Promise.all([...proxies.values()].map((p) => p.close())).then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
