/**
 * Environment keys the API layer and the web apps read, validated once at start-up (each app's
 * `instrumentation.ts` calls `loadWebEnv`). A wrong value fails fast with the variable's name.
 * next-forge style: this package owns its keys; apps compose them with their own.
 */
import { createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { AuthApp } from "@agora/auth";
import { topology, type Topology } from "@agora/infra-local/topology";
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

/**
 * next-auth's keys. Both may be left unset on a machine running the local topology: see
 * `resolveAuthEnv` for the derived defaults. Anywhere else (containers, Kubernetes) set both.
 */
export const authEnvSchema = z.object({
  NEXTAUTH_SECRET: z
    .string()
    .min(32, "NEXTAUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)")
    .optional(),
  NEXTAUTH_URL: z
    .url({
      protocol: /^https?$/,
      message: "NEXTAUTH_URL must be the app's public http(s) origin, e.g. http://127.0.0.1:15900",
    })
    .optional(),
});

export const webEnvSchema = apiEnvSchema.extend({
  /** Set by the launcher; when absent the app's `start` script falls back to the topology port. */
  PORT: port.optional(),
  ...authEnvSchema.shape,
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

export interface AuthEnv {
  secret: string;
  url: string;
  /** Where the secret came from, for the start-up log line (never the secret itself). */
  secretSource: "NEXTAUTH_SECRET" | "topology secrets file";
}

type AuthTopology = Pick<Topology, "secretsFile" | "host"> & {
  apps: Pick<Topology["apps"], "storefront" | "gateway" | "vendorPortal" | "opsConsole">;
};

/**
 * NEXTAUTH_SECRET / NEXTAUTH_URL, or defaults derived from the local topology so `npm start` and
 * the e2e tests need no manual env:
 * - secret: HMAC-SHA256 of a fixed label keyed with the topology's generated superuser password
 *   (`<state dir>/secrets.json`, mode 600, never committed). Every app and every storefront
 *   instance of one topology derives the same value, so their JWTs are interchangeable; a wiped
 *   topology gets a new secret, which signs everyone out.
 * - url: the public origin of the app (the HAProxy gateway for the storefront, whose instances
 *   all sit behind it; the app's own port for the other two).
 * Without NEXTAUTH_SECRET and without a secrets file this throws, naming the variable.
 * next-auth reads NEXTAUTH_URL from process.env itself at request time, so a derived URL is
 * written back there.
 */
export function resolveAuthEnv(
  app: AuthApp,
  env: WebEnv,
  t: AuthTopology = topology(env.AGORA_PROFILE),
): AuthEnv {
  const url = env.NEXTAUTH_URL ?? defaultAuthUrl(app, env, t);
  process.env.NEXTAUTH_URL ??= url;
  if (env.NEXTAUTH_SECRET)
    return { secret: env.NEXTAUTH_SECRET, url, secretSource: "NEXTAUTH_SECRET" };
  if (!existsSync(t.secretsFile)) {
    throw new InvalidEnvError([
      `NEXTAUTH_SECRET: not set, and there is no local topology secrets file at ${t.secretsFile} ` +
        "to derive a development secret from. Start the topology (npm start) or set " +
        "NEXTAUTH_SECRET (e.g. `openssl rand -base64 32`), the same value for every instance.",
    ]);
  }
  const parsed = topologySecrets.safeParse(JSON.parse(readFileSync(t.secretsFile, "utf8")));
  if (!parsed.success) {
    throw new InvalidEnvError([
      `NEXTAUTH_SECRET: not set, and ${t.secretsFile} has no superuserPassword to derive one from`,
    ]);
  }
  const secret = createHmac("sha256", parsed.data.superuserPassword)
    .update("agora/nextauth-secret/v1")
    .digest("base64url");
  return { secret, url, secretSource: "topology secrets file" };
}

const topologySecrets = z.object({ superuserPassword: z.string().min(1) });

function defaultAuthUrl(app: AuthApp, env: WebEnv, t: AuthTopology): string {
  const appPort =
    app === "storefront"
      ? t.apps.gateway
      : (env.PORT ?? (app === "vendor-portal" ? t.apps.vendorPortal : t.apps.opsConsole));
  return `http://${t.host}:${appPort}`;
}

const authEnvCache = new Map<AuthApp, AuthEnv>();

/** The app's validated auth settings; resolved on first call, then reused. */
export function loadAuthEnv(app: AuthApp): AuthEnv {
  let resolved = authEnvCache.get(app);
  if (!resolved) {
    resolved = resolveAuthEnv(app, loadWebEnv());
    authEnvCache.set(app, resolved);
  }
  return resolved;
}
