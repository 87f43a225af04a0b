/**
 * Idempotency keys, as real providers implement them: the first call with a key executes and its
 * response is stored; the same key with the same request replays that response
 * (`Idempotent-Replayed: true`) without executing again; the same key with a different request is
 * a client bug (409 `idempotency_key_reused`).
 *
 * Not stored, so the client may retry with the same key: 400 validation failures (nothing ran)
 * and 5xx answers (injected faults, the processing timeout). A key whose first call is still
 * running answers 409 `idempotency_key_in_progress`.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import type { Clock } from "./clock.ts";
import { canonicalJson } from "./http/body.ts";
import { SimError } from "./http/errors.ts";
import type { HttpResult } from "./http/router.ts";
import type { Collection } from "./store.ts";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const REPLAYED_HEADER = "Idempotent-Replayed";

export const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces");

export interface IdempotencyRecord {
  key: string;
  fingerprint: string;
  method: string;
  path: string;
  status: number;
  body: unknown;
  headers: Record<string, string>;
  createdAt: number;
}

/** A handler's answer plus whether it may be stored for replay. */
export interface ExecutedResult extends HttpResult {
  replayable: boolean;
}

export interface RequestIdentity {
  method: string;
  path: string;
  body: unknown;
}

export function fingerprint(req: RequestIdentity): string {
  return createHash("sha256")
    .update(`${req.method} ${req.path}\n${canonicalJson(req.body)}`)
    .digest("hex");
}

export function requireIdempotencyKey(header: string | string[] | undefined): string {
  if (header === undefined || header === "") {
    throw new SimError(
      400,
      "idempotency_key_missing",
      "this call requires an Idempotency-Key header",
    );
  }
  const parsed = idempotencyKeySchema.safeParse(Array.isArray(header) ? header.join(",") : header);
  if (!parsed.success) {
    throw new SimError(
      400,
      "idempotency_key_invalid",
      "Idempotency-Key must be 1-255 printable ASCII characters",
      {
        issues: parsed.error.issues.map((i) => ({
          path: ["Idempotency-Key"],
          code: i.code,
          message: i.message,
        })),
      },
    );
  }
  return parsed.data;
}

export class IdempotencyGuard {
  private readonly inFlight = new Set<string>();

  constructor(
    private readonly records: Collection<IdempotencyRecord>,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  async run(
    key: string,
    req: RequestIdentity,
    execute: () => Promise<ExecutedResult>,
  ): Promise<HttpResult & { replayed: boolean }> {
    const fp = fingerprint(req);
    const existing = this.lookup(key);
    if (existing) {
      if (existing.fingerprint !== fp) {
        throw new SimError(
          409,
          "idempotency_key_reused",
          `Idempotency-Key "${key}" was already used for a different request (${existing.method} ${existing.path})`,
        );
      }
      return {
        status: existing.status,
        body: existing.body,
        headers: { ...existing.headers, [REPLAYED_HEADER]: "true" },
        replayed: true,
      };
    }
    if (this.inFlight.has(key)) {
      throw new SimError(
        409,
        "idempotency_key_in_progress",
        `a request with Idempotency-Key "${key}" is still running`,
        {},
        {
          "Retry-After": "1",
        },
      );
    }
    this.inFlight.add(key);
    try {
      const result = await execute();
      if (result.replayable && result.status < 500) {
        this.records.put(key, {
          key,
          fingerprint: fp,
          method: req.method,
          path: req.path,
          status: result.status,
          body: result.body,
          headers: result.headers ?? {},
          createdAt: this.clock.now(),
        });
      }
      return { status: result.status, body: result.body, headers: result.headers, replayed: false };
    } finally {
      this.inFlight.delete(key);
    }
  }

  private lookup(key: string): IdempotencyRecord | undefined {
    const rec = this.records.get(key);
    if (rec && this.clock.now() - rec.createdAt > this.ttlMs) {
      this.records.delete(key);
      return undefined;
    }
    return rec;
  }
}
