import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { diallingPid, socketInode } from "./peer-source.ts";

describe("the dialling process of a loopback connection", () => {
  it("finds a socket's inode by its two ports as /proc/net/tcp prints them", () => {
    const table = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 0100007F:6338 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1111 1 0000",
      "   1: 0100007F:C350 0100007F:6338 01 00000000:00000000 00:00000000 00000000     0        0 2222 1 0000",
      "   2: 0100007F:6338 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 3333 1 0000",
    ].join("\n");
    // The dialler's end: local 50000 (0xC350), remote 25400 (0x6338).
    expect(socketInode(table, 50_000, 25_400)).toBe("2222");
    expect(socketInode(table, 25_400, 50_000)).toBe("3333");
    expect(socketInode(table, 50_001, 25_400)).toBeUndefined();
  });

  it("names the process holding the other end, and nobody for a process not among the candidates", async () => {
    const server = createServer();
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const port = (server.address() as { port: number }).port;
    const accepted = once(server, "connection") as Promise<[Socket]>;
    const client = connect({ host: "127.0.0.1", port });
    const [socket] = await accepted;
    try {
      expect(await diallingPid(socket, [process.pid])).toBe(process.pid);
      expect(await diallingPid(socket, [1])).toBeUndefined();
    } finally {
      client.destroy();
      socket.destroy();
      server.close();
    }
  });
});
