import { createServer, connect, type Server } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FaultProxy, NO_PROXY_FAULT, startFaultProxy } from "./fault-proxy.ts";
import { freePort } from "../processes/free-port.ts";

const HOST = "127.0.0.1";
let echo: Server;
let proxy: FaultProxy;

async function listenEcho(): Promise<number> {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((r) => echo.listen(0, HOST, r));
  const addr = echo.address();
  if (!addr || typeof addr === "string") throw new Error("no port");
  return addr.port;
}

/** Sends `msg` through the proxy; resolves with the echo, or with the way the connection ended. */
function roundTrip(
  port: number,
  msg: string,
  waitMs = 2000,
): Promise<{ reply?: string; ended?: string; ms: number }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = connect({ host: HOST, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ ended: "timeout", ms: Date.now() - started });
    }, waitMs);
    sock.on("connect", () => sock.write(msg));
    sock.on("data", (d) => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ reply: d.toString(), ms: Date.now() - started });
    });
    sock.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ ended: err.code ?? "error", ms: Date.now() - started });
    });
    sock.on("close", () => {
      clearTimeout(timer);
      resolve({ ended: "closed", ms: Date.now() - started });
    });
  });
}

beforeEach(async () => {
  const target = await listenEcho();
  proxy = await startFaultProxy({
    name: "core",
    host: HOST,
    listenPort: await freePort(HOST),
    targetPort: target,
  });
});

afterEach(async () => {
  await proxy.close();
  await new Promise<void>((r) => echo.close(() => r()));
});

describe("TCP fault proxy", () => {
  it("is a transparent pipe while no fault is set", async () => {
    const r = await roundTrip(proxy.listenPort, "ping");
    expect(r.reply).toBe("ping");
    expect(proxy.stats().bytesUp).toBe(4);
    expect(proxy.stats().bytesDown).toBe(4);
  });

  it("delays traffic in both directions by the injected latency", async () => {
    proxy.setFault({ ...NO_PROXY_FAULT, latencyMs: 150 });
    const r = await roundTrip(proxy.listenPort, "slow");
    expect(r.reply).toBe("slow");
    // request and reply are each held 150 ms
    expect(r.ms).toBeGreaterThanOrEqual(290);
  });

  it("resets new connections at the injected drop rate", async () => {
    proxy.setFault({ ...NO_PROXY_FAULT, dropRate: 1 });
    const r = await roundTrip(proxy.listenPort, "lost");
    expect(r.reply).toBeUndefined();
    expect(proxy.stats().dropped).toBe(1);
  });

  it("black-holes new connections and cuts them when the path is repaired", async () => {
    proxy.setFault({ ...NO_PROXY_FAULT, blackhole: true });
    const pending = roundTrip(proxy.listenPort, "void", 5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(proxy.stats().open).toBe(1);
    proxy.setFault(NO_PROXY_FAULT);
    const r = await pending;
    expect(r.reply).toBeUndefined();
    expect(r.ended).not.toBe("timeout");
    expect((await roundTrip(proxy.listenPort, "back")).reply).toBe("back");
  });

  it("swallows one direction only: what the client sends never arrives while `up` is blocked", async () => {
    const received: string[] = [];
    echo.removeAllListeners("connection");
    echo.on("connection", (s) => s.on("data", (d) => received.push(d.toString())));
    proxy.setFault({ ...NO_PROXY_FAULT, block: "up" });
    const r = await roundTrip(proxy.listenPort, "unheard", 400);
    expect(r.ended).toBe("timeout");
    expect(received).toEqual([]);
    expect(proxy.stats().bytesUp).toBe(7);
  });

  it("keeps a stream in order under jitter", async () => {
    proxy.setFault({ ...NO_PROXY_FAULT, latencyMs: 5, jitterMs: 40 });
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = connect({ host: HOST, port: proxy.listenPort });
      let got = "";
      const want = Array.from({ length: 30 }, (_, i) => `${i};`).join("");
      sock.on("connect", () => {
        for (let i = 0; i < 30; i++) setTimeout(() => sock.write(`${i};`), i * 3);
      });
      sock.on("data", (d) => {
        got += d.toString();
        if (got.length >= want.length) {
          sock.destroy();
          resolve(got);
        }
      });
      sock.on("error", reject);
    });
    expect(reply).toBe(Array.from({ length: 30 }, (_, i) => `${i};`).join(""));
  });
});
