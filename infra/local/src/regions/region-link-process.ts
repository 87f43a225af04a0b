/**
 * `tsx infra/local/src/regions/region-link-process.ts`: the link between the regions. One TCP fault
 * proxy per eu server that `us` processes reach (topology LINK_ROUTES): us processes are given the
 * link's addresses, never eu's, so whatever the link does (latency, cut, one-way, flaky) happens to
 * every cross-region connection, the replication stream included. Control over HTTP:
 *   GET /link     → the state and each route's counters
 *   PUT /link     → `{ "mode": "cut" | "healthy" | "one-way" | "flaky", "rttMs": 80 }` (either field)
 *   GET /healthz
 * The state is kept in the state folder, so a restarted link keeps the partition an operator set.
 *
 * It also joins the witness to both regions: eu's listeners for the etcd members in us and at the
 * witness, and the address each etcd member advertises to its peers, where the dialling member's
 * location is told per connection (peer-source.ts) — each connection gets its pair's fault.
 */
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { type FaultProxy, startFaultProxy } from "../chaos/fault-proxy.ts";
import { writeJsonFile } from "../processes/json-file.ts";
import { readRegistry } from "../processes/registry.ts";
import { ETCD_LOCATIONS, type LinkRoute, type Location, remoteRegion, topology } from "../topology.ts";
import { applyLinkChange, HEALTHY_LINK, linkChangeSchema, type LinkState, linkStateSchema, pairFault } from "./link-state.ts";
import { diallingPid } from "./peer-source.ts";

const t = topology();
const region = remoteRegion(t);
const { link } = region;

function loadState(): LinkState {
  if (!existsSync(link.stateFile)) return HEALTHY_LINK;
  const parsed = linkStateSchema.safeParse(JSON.parse(readFileSync(link.stateFile, "utf8")));
  return parsed.success ? parsed.data : HEALTHY_LINK;
}


let state = loadState();
let changedAt = new Date().toISOString();

/** The location of the etcd member that dialled a peer connection (undefined: not a member). */
async function peerLocation(client: { remotePort?: number; localPort?: number }): Promise<Location | undefined> {
  const members = readRegistry(t.pidFile).filter((x) => t.etcd.some((e) => e.name === x.name));
  const pid = await diallingPid(
    client,
    members.map((m) => m.pid),
  );
  const name = members.find((m) => m.pid === pid)?.name;
  return t.etcd.find((e) => e.name === name)?.location;
}

function applyState(p: FaultProxy, r: LinkRoute): void {
  if (r.from !== "any") return p.setFault(pairFault(state, r.from, r.to));
  for (const from of ETCD_LOCATIONS) p.setClassFault(from, pairFault(state, from, r.to));
}

const proxies: { proxy: FaultProxy; route: LinkRoute }[] = [];
for (const r of link.routes) {
  const p = await startFaultProxy({
    name: r.name,
    host: t.host,
    listenPort: r.listenPort,
    targetPort: r.targetPort,
    ...(r.from === "any" ? { classify: peerLocation } : {}),
  });
  applyState(p, r);
  proxies.push({ proxy: p, route: r });
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
    if (size > 4_096) throw new Error("body too large");
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : {};
}

const view = () => ({
  region: region.name,
  state,
  changedAt,
  routes: proxies.map(({ proxy: p, route: r }) => ({
    name: p.name,
    from: r.from,
    to: r.to,
    listenPort: p.listenPort,
    targetPort: p.targetPort,
    stats: p.stats(),
  })),
});

const admin = createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (url.pathname === "/healthz") return send(res, 200, { status: "ok" });
  if (url.pathname !== "/link") return send(res, 404, { error: "not found" });
  if (req.method === "GET") return send(res, 200, view());
  if (req.method !== "PUT") return send(res, 405, { error: "method not allowed" });
  readJson(req)
    .then((body) => {
      const parsed = linkChangeSchema.safeParse(body);
      if (!parsed.success) return send(res, 400, { error: parsed.error.issues.map((i) => i.message).join("; ") });
      state = applyLinkChange(state, parsed.data);
      changedAt = new Date().toISOString();
      for (const { proxy, route } of proxies) applyState(proxy, route);
      writeJsonFile(link.stateFile, state);
      process.stdout.write(`${JSON.stringify({ level: "info", msg: "region link changed", state })}\n`);
      send(res, 200, view());
    })
    .catch((err: Error) => send(res, 400, { error: err.message }));
});
admin.listen(link.adminPort, t.host);
process.stdout.write(`${JSON.stringify({ level: "info", msg: "region link up", admin: link.adminPort, state, routes: link.routes })}\n`);

const stop = () => {
  admin.close();
  void Promise.all(proxies.map(({ proxy }) => proxy.close())).then(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
