/** Value types shared by the concern schemas: ports, URLs and comma lists as env strings. */
import { z } from "zod";

export const port = z.coerce.number().int().min(0).max(65535);

export const httpUrl = z.url({ protocol: /^https?$/, message: "must be an http(s) URL" });

/** A Postgres connection URL; `required` is what the message of a missing key asks for. */
export function pgUrl(required: string) {
  return z
    .string({ message: `required (${required})` })
    .regex(/^postgres(ql)?:\/\/[^/]+/, "must be a postgres:// or postgresql:// URL");
}

/** `a, b,,c` → `["a", "b", "c"]`; at least one entry. */
export function commaList<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string({ message: "required (comma-separated list)" })
    .transform((v) =>
      v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1, "must list at least one entry"));
}

/** `host:port` → `{ host, port }`. */
export const hostPort = z
  .string()
  .regex(/^[^\s:]+:\d{1,5}$/, "must be host:port")
  .transform((v) => {
    const i = v.lastIndexOf(":");
    return { host: v.slice(0, i), port: Number(v.slice(i + 1)) };
  });

/** Strips a trailing slash so callers can append paths. */
export const baseUrl = httpUrl.transform((v) => v.replace(/\/+$/, ""));
