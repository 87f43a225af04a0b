/**
 * An app's route handlers (the modules Next mounts under app/api) behind a real HTTP server on a
 * loopback port, so the fuzz suite talks HTTP exactly as a browser's tRPC client or a script
 * would. Like Next, a handler that throws is a 500 and a method the module does not export a 405.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

type NextContext = { params: Promise<Record<string, string>> };
/** A route module's export: `ctx` is typed per route (`{ params }` of its own segments, or none). */
type Handler = (req: Request, ctx: never) => Promise<Response>;

export interface AppRoute {
  /** Path pattern; named groups become `params` as Next's dynamic segments do. */
  path: RegExp;
  methods: Partial<Record<"GET" | "POST" | "PUT", Handler>>;
}

export interface ServedApp {
  url: string;
  close(): Promise<void>;
}

export async function serveApp(routes: AppRoute[]): Promise<ServedApp> {
  const server = createServer((req, res) => {
    // A body the handler refused unread (413 on its Content-Length, 405, 404) is drained once the
    // answer is out, as Next's server does, so the client reads the status instead of a reset.
    res.once("finish", () => req.resume());
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "127.0.0.1"}`);
    const handle = async () => {
      const route = routes.find((r) => r.path.test(url.pathname));
      if (!route) return void res.writeHead(404).end();
      const handler = route.methods[req.method as "GET" | "POST" | "PUT"];
      if (!handler) return void res.writeHead(405).end();
      const params = route.path.exec(url.pathname)?.groups ?? {};
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      // Node needs `duplex` for a streamed request body; the DOM typings do not know it yet.
      const init: RequestInit & { duplex: "half" } = {
        method: req.method,
        headers: toHeaders(req.headers),
        body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
        duplex: "half",
      };
      const ctx: NextContext = { params: Promise.resolve(decodeParams(params)) };
      // Next passes every handler the same `{ params }` object, whatever it declares.
      const response = await (handler as (req: Request, ctx: NextContext) => Promise<Response>)(
        new Request(url, init),
        ctx,
      );
      const headers: Record<string, string | string[]> = Object.fromEntries(response.headers);
      const cookies = response.headers.getSetCookie();
      if (cookies.length) headers["set-cookie"] = cookies;
      res.writeHead(response.status, headers);
      if (response.body) for await (const chunk of response.body) res.write(chunk);
      res.end();
    };
    handle().catch((err: unknown) => {
      // What Next does with a handler that throws: a bare 500 (the suite counts it as a failure).
      process.stderr.write(`[fuzz app] ${req.method} ${url.pathname}: ${String(err)}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function toHeaders(raw: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  }
  return headers;
}

/** Next hands dynamic segments decoded; a segment that is not valid percent-encoding stays raw. */
function decodeParams(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => {
      try {
        return [k, decodeURIComponent(v)];
      } catch (err) {
        if (err instanceof URIError) return [k, v];
        throw err;
      }
    }),
  );
}
