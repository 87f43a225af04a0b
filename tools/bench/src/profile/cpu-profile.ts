/**
 * A CPU profile of one running process of the topology, taken from outside: SIGUSR1 opens Node's
 * inspector on 127.0.0.1:9229, the DevTools protocol's Profiler records for `seconds`, and the
 * profile is written as a `.cpuprofile` (Chrome DevTools / speedscope open it) with a summary of the
 * hottest functions by self time. Nothing is restarted and no flag has to be set beforehand, so a
 * storefront can be profiled in the middle of a bench run. Written by hand because it is ~80 lines
 * over `ws`; the profile format is the protocol's own.
 */
import { writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface HotFunction {
  name: string;
  where: string;
  selfPct: number;
}

const INSPECTOR = "http://127.0.0.1:9229/json/list";

/** Whether some process already has an inspector open on the port (another profile running). */
async function inspectorOpen(): Promise<boolean> {
  return await fetch(INSPECTOR, { signal: AbortSignal.timeout(1_000) }).then(
    () => true,
    () => false,
  );
}

async function inspectorUrl(pid: number): Promise<string> {
  // Every process opens its inspector on the same port: with one already open, this pid's would
  // fail to bind and the session below would profile the other process.
  if (await inspectorOpen())
    throw new Error("an inspector is already open on 127.0.0.1:9229 (another profile running?): profile one process at a time");
  process.kill(pid, "SIGUSR1");
  for (let i = 0; i < 40; i++) {
    try {
      const list = (await (await fetch(INSPECTOR)).json()) as { webSocketDebuggerUrl: string }[];
      if (list[0]) return list[0].webSocketDebuggerUrl;
    } catch {
      // the inspector is still opening
    }
    await sleep(100);
  }
  throw new Error(`process ${pid} opened no inspector on 127.0.0.1:9229 (another one may hold the port)`);
}

export async function profileProcess(pid: number, seconds: number): Promise<CpuProfile> {
  const ws = new WebSocket(await inspectorUrl(pid));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let next = 0;
  const pending = new Map<number, (r: unknown) => void>();
  ws.on("message", (data) => {
    const m = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (m.id !== undefined) pending.get(m.id)?.(m.result);
  });
  const send = <T>(method: string, params: object = {}): Promise<T> =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve as (r: unknown) => void);
      ws.send(JSON.stringify({ id, method, params }));
    });
  try {
    const inspected = await send<{ result: { value?: unknown } }>("Runtime.evaluate", { expression: "process.pid" });
    if (inspected.result.value !== pid)
      throw new Error(`the inspector on 127.0.0.1:9229 belongs to pid ${String(inspected.result.value)}, not ${pid}`);
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 500 });
    await send("Profiler.start");
    await sleep(seconds * 1000);
    const { profile } = await send<{ profile: CpuProfile }>("Profiler.stop");
    // Close the inspector again once this session has gone (close() waits for its sessions), so
    // the port is free for the next process to profile.
    await send("Runtime.evaluate", {
      expression: "setTimeout(() => process.getBuiltinModule('node:inspector').close(), 300), 0",
    });
    return profile;
  } finally {
    ws.close();
  }
}

/** Self time per function (name + file:line), as a share of all samples, hottest first. */
export function hottest(p: CpuProfile, top = 25): HotFunction[] {
  const total = p.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0) || 1;
  const byKey = new Map<string, HotFunction>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "~/")}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName}|${where}`;
    const h = byKey.get(key) ?? { name: f.functionName || "(anonymous)", where, selfPct: 0 };
    h.selfPct += ((n.hitCount ?? 0) / total) * 100;
    byKey.set(key, h);
  }
  return [...byKey.values()].sort((a, b) => b.selfPct - a.selfPct).slice(0, top);
}

export function saveProfile(p: CpuProfile, file: string): void {
  writeFileSync(file, JSON.stringify(p));
}
