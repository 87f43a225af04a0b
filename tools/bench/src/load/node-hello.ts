/**
 * The box's ceiling: a bare Node `http` server answering "hello", started in the same run and
 * loaded the same way as the product, so every scenario is also given as a share of it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface HelloServer {
  url: string;
  close(): Promise<void>;
}

export async function startHelloServer(host = "127.0.0.1"): Promise<HelloServer> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("hello");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // Port 0: the kernel picks a free one, so the bench never collides with a topology's block.
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
