/**
 * HAProxy's runtime API over its stats socket (level admin): one command per connection, the
 * answer read to the end. `show servers state` is parsed by its header line, so a column HAProxy
 * adds later does not shift the ones used here.
 */
import { renameSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { runtimeSocketOf, serverStateFileOf } from "../config/haproxy.ts";
import type { HaproxyInstance } from "../topology.ts";

export class RuntimeApiError extends Error {
  readonly code = "HAPROXY_RUNTIME_API";
}

export async function runtimeCommand(socket: string, command: string, timeoutMs = 2_000): Promise<string> {
  return await new Promise<string>((resolve, reject) => {
    const conn = createConnection(socket);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      conn.destroy();
      reject(new RuntimeApiError(`runtime API: "${command}" timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    conn.on("connect", () => conn.end(`${command}\n`));
    conn.on("data", (d: Buffer) => chunks.push(d));
    conn.on("error", (err) => {
      clearTimeout(timer);
      reject(new RuntimeApiError(`runtime API at ${socket}: ${err.message}`));
    });
    conn.on("close", () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
  });
}

/** Admin state bits of `show servers state` (HAProxy's SRV_ADMF_*). */
const ADMIN = { FMAINT: 0x01, IMAINT: 0x02, FDRAIN: 0x08, IDRAIN: 0x10, RMAINT: 0x20, HMAINT: 0x40 } as const;

export interface ServerSlot {
  backend: string;
  name: string;
  addr: string;
  port: number;
  /** Forced or inherited maintenance: takes no traffic and runs no checks. */
  maint: boolean;
  /** Draining: no new requests, existing ones finish; checks run. */
  drain: boolean;
  /** Operational state: 0 stopped, 1 starting, 2 running, 3 stopping. */
  opState: number;
  /** User weight (`set server … weight`): its share of new requests among the backend's servers. */
  weight: number;
}

export function parseServersState(text: string): ServerSlot[] {
  const lines = text.split("\n").map((l) => l.trim());
  const header = lines.find((l) => l.startsWith("# "))?.slice(2).split(" ");
  if (!header) throw new RuntimeApiError(`unexpected answer to "show servers state": ${text.slice(0, 200)}`);
  const col = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new RuntimeApiError(`"show servers state" has no column ${name}`);
    return i;
  };
  const [be, sv, ad, op, ad2, pt, uw] = ["be_name", "srv_name", "srv_addr", "srv_op_state", "srv_admin_state", "srv_port", "srv_uweight"].map(col) as [
    number, number, number, number, number, number, number,
  ];
  return lines
    .filter((l) => l && !l.startsWith("#") && /^\d+ /.test(l))
    .map((l) => {
      const f = l.split(" ");
      const admin = Number(f[ad2]);
      return {
        backend: f[be] ?? "",
        name: f[sv] ?? "",
        addr: f[ad] ?? "",
        port: Number(f[pt]),
        maint: (admin & (ADMIN.FMAINT | ADMIN.IMAINT | ADMIN.RMAINT | ADMIN.HMAINT)) !== 0,
        drain: (admin & (ADMIN.FDRAIN | ADMIN.IDRAIN)) !== 0,
        opState: Number(f[op]),
        weight: Number(f[uw]),
      };
    });
}

export async function serversState(socket: string, backend?: string): Promise<ServerSlot[]> {
  return parseServersState(await runtimeCommand(socket, backend ? `show servers state ${backend}` : "show servers state"));
}

/** Writes an instance's current server states to its server-state-file (what it loads when it starts). */
export async function saveServerState(
  instance: Pick<HaproxyInstance, "configFile">,
  socket = runtimeSocketOf(instance),
): Promise<void> {
  const file = serverStateFileOf(instance);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, await runtimeCommand(socket, "show servers state"));
  renameSync(tmp, file);
}
