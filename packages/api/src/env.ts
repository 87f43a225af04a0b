/**
 * Environment keys the API layer and the web apps read, validated once at start-up (each app's
 * `instrumentation.ts` calls `loadWebEnv`). A wrong value fails fast with the variable's name.
 * next-forge style: this package owns its keys; apps compose them with their own.
 */
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);

export const apiEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** Which topology profile to read ports and secrets from (see infra/local/src/topology.ts). */
  AGORA_PROFILE: z.enum(["dev", "test"]).default("dev"),
  /** A private copy of a profile on another port block (parallel work, tests). */
  AGORA_BASE_PORT: port.optional(),
  AGORA_STATE_DIR: z.string().min(1).optional(),
});

export const webEnvSchema = apiEnvSchema.extend({
  /** Set by the launcher; when absent the app's `start` script falls back to the topology port. */
  PORT: port.optional(),
});

export type ApiEnv = z.infer<typeof apiEnvSchema>;
export type WebEnv = z.infer<typeof webEnvSchema>;

export class InvalidEnvError extends Error {
  readonly code = "INVALID_ENV";
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  ${problems.join("\n  ")}`);
  }
}

export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const parsed = schema.safeParse(source);
  if (parsed.success) return parsed.data;
  throw new InvalidEnvError(
    parsed.error.issues.map(
      (i) =>
        `${i.path.join(".") || "(root)"}: ${i.message} (got ${JSON.stringify(source[String(i.path[0])])})`,
    ),
  );
}

let cached: WebEnv | undefined;

/** Validated web-app environment; parsed on first call, then reused. */
export function loadWebEnv(source: Record<string, string | undefined> = process.env): WebEnv {
  cached ??= parseEnv(webEnvSchema, source);
  return cached;
}
