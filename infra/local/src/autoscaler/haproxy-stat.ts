/**
 * HAProxy's `show stat` (CSV, runtime API): per server of a backend, the requests it is serving
 * now (`scur`) and the ones waiting in its queue (`qcur`), plus the backend's queue and request
 * total (for a request rate). Parsed by the header line, so columns HAProxy adds later do not
 * shift the ones used here.
 */
export class StatCsvError extends Error {
  readonly code = "HAPROXY_STAT_INVALID";
}

export interface StatRow {
  proxy: string;
  /** Server name, or `FRONTEND` / `BACKEND` for the aggregate rows. */
  server: string;
  /** Sessions (requests, in HTTP mode with one request per session at a time) in progress. */
  scur: number;
  /** Requests waiting in the server's queue (or, on the BACKEND row, the backend's queue). */
  qcur: number;
  /** `UP`, `DOWN`, `MAINT`, `DRAIN`, `no check`, … */
  status: string;
  /** host:port of the server (empty on aggregate rows). */
  addr: string;
  /** Sessions since start (a counter: its rate is the request rate). */
  stot: number;
  /** Average response time over the last 1024 requests, ms. */
  rtime: number;
}

export function parseShowStat(csv: string): StatRow[] {
  const lines = csv.split("\n").map((l) => l.trim()).filter(Boolean);
  const headerLine = lines.find((l) => l.startsWith("# "));
  if (!headerLine) throw new StatCsvError(`unexpected answer to "show stat": ${csv.slice(0, 200)}`);
  const header = headerLine.slice(2).split(",");
  const col = (name: string) => header.indexOf(name);
  const [px, sv, scur, qcur, status, addr, stot, rtime] = [
    "pxname", "svname", "scur", "qcur", "status", "addr", "stot", "rtime",
  ].map(col) as [number, number, number, number, number, number, number, number];
  if (px < 0 || sv < 0 || scur < 0) throw new StatCsvError('"show stat" lacks pxname/svname/scur');
  const num = (f: string[], i: number) => (i >= 0 && f[i] ? Number(f[i]) : 0);
  return lines
    .filter((l) => !l.startsWith("#"))
    .map((l) => {
      const f = l.split(",");
      return {
        proxy: f[px] ?? "",
        server: f[sv] ?? "",
        scur: num(f, scur),
        qcur: num(f, qcur),
        status: status >= 0 ? (f[status] ?? "") : "",
        addr: addr >= 0 ? (f[addr] ?? "") : "",
        stot: num(f, stot),
        rtime: num(f, rtime),
      };
    });
}

/**
 * Requests in flight per instance of a backend, keyed by address: what it serves plus an equal
 * share of what waits for it (the backend's queue), since a queued request is load that an
 * instance more would take. Only servers that take traffic (`UP`) are counted.
 */
export function inFlightByAddress(rows: readonly StatRow[], backend: string): Map<string, number> {
  // Rows of several HAProxy instances add up: each serves its share of the connections.
  const mine = rows.filter((r) => r.proxy === backend);
  const servers = mine.filter((r) => r.server !== "BACKEND" && r.server !== "FRONTEND" && r.addr && r.status.startsWith("UP"));
  const queued = mine.filter((r) => r.server === "BACKEND").reduce((sum, r) => sum + r.qcur, 0);
  const perAddress = new Map<string, number>();
  for (const s of servers) perAddress.set(s.addr, (perAddress.get(s.addr) ?? 0) + s.scur + s.qcur);
  const share = perAddress.size > 0 ? queued / perAddress.size : 0;
  return new Map([...perAddress].map(([addr, n]) => [addr, n + share]));
}
