import type { IncomingMessage } from "node:http";
import { SimError } from "./errors.ts";

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads and parses a JSON body. An empty body reads as `{}` so body-less calls such as
 * `POST /v1/payments/:id/void` need no payload; anything unparsable is a 400, never a 500.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) {
      throw new SimError(413, "body_too_large", `request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  const type = req.headers["content-type"] ?? "application/json";
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw new SimError(415, "unsupported_media_type", `expected application/json, got ${type}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SimError(
      400,
      "invalid_json",
      `request body is not valid JSON: ${(err as Error).message}`,
    );
  }
}

/** JSON with sorted keys, so two bodies that differ only in key order or spacing compare equal. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
