/**
 * tRPC over plain HTTP, as the storefront's client sends it: superjson envelopes (`{ json }`),
 * queries as GET with `?input=`, mutations as POST.
 */
import type { ShopperClient } from "./http-client.ts";
import { BenchHttpError } from "./http-client.ts";

export const TRPC_BASE = "/api/trpc";

/** The path (with query string) of a tRPC query, also used by the load scenarios. */
export function queryPath(procedure: string, input?: unknown): string {
  const q =
    input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return `${TRPC_BASE}/${procedure}${q}`;
}

/** The request body of a tRPC mutation. */
export function mutationBody(input: unknown): string {
  return JSON.stringify({ json: input });
}

interface TrpcEnvelope<T> {
  result?: { data?: { json?: T } };
  error?: {
    json?: {
      message?: string;
      data?: {
        code?: string;
        domainCode?: string | null;
        retryAfterSeconds?: number | null;
        details?: Record<string, unknown> | null;
      };
    };
  };
}

function unwrap<T>(procedure: string, status: number, text: string): T {
  let parsed: TrpcEnvelope<T>;
  try {
    parsed = JSON.parse(text) as TrpcEnvelope<T>;
  } catch {
    throw new BenchHttpError(
      `${procedure}: HTTP ${status}, not JSON: ${text.replace(/<[^>]*>/g, " ").slice(0, 120)}`,
      status,
    );
  }
  if (status >= 200 && status < 300 && parsed.result?.data && "json" in parsed.result.data)
    return parsed.result.data.json as T;
  const e = parsed.error?.json;
  throw new BenchHttpError(
    `${procedure}: HTTP ${status} ${e?.data?.code ?? ""} ${e?.message ?? ""}`.trim(),
    status,
    {
      domainCode: e?.data?.domainCode ?? null,
      retryAfterSeconds: e?.data?.retryAfterSeconds ?? null,
      details: e?.data?.details ?? null,
    },
  );
}

export async function trpcQuery<T>(
  client: ShopperClient,
  procedure: string,
  input?: unknown,
): Promise<T> {
  const res = await client.send("GET", queryPath(procedure, input));
  return unwrap<T>(procedure, res.status, res.body);
}

export async function trpcMutation<T>(
  client: ShopperClient,
  procedure: string,
  input: unknown,
): Promise<T> {
  const res = await client.send("POST", `${TRPC_BASE}/${procedure}`, { json: { json: input } });
  return unwrap<T>(procedure, res.status, res.body);
}
