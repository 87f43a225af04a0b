/**
 * Each app as a client of Agora's own OpenID Connect provider (apps/identity): its client id, its
 * callback URL (derived from the app's public URL, never written out by hand) and its client
 * secret, which lives only in the secrets provider (KV `identity/clients/<client id>`). Both sides
 * read the same path: the provider registers the client with the secret's SHA-256, the app
 * authenticates at the token endpoint with the secret itself. Whichever side starts first creates
 * it (check-and-set 0, so two starters agree on one secret).
 *
 * Where a deployment provides the clients' store itself (`AGORA_IDENTITY_CLIENTS_DIR`: on
 * Kubernetes a mounted Secret in the same file format), it is read-only here: nothing is created,
 * a missing client is an error naming it.
 *
 * Rotation (`rotateIdentityClientSecret`, the `identity:rotate-client-secret` ops command) writes
 * a new version holding the new secret and the previous one with the end of its grace window:
 * the provider accepts both until then (`acceptedClientSecrets`), so apps still holding the old
 * secret keep signing people in while they pick up the new one.
 */
import { randomBytes } from "node:crypto";
import {
  type ClientsStore,
  identityClientsStore,
  SecretNotFoundError,
  type SecretsProvider,
  VersionConflictError,
} from "@agora/secrets";
import type { AuthApp } from "./cookies.ts";
import { IDENTITY_PROVIDER_ID } from "./identity-provider-id.ts";

export { IDENTITY_PROVIDER_ID };

export const IDENTITY_CLIENT_ID: Record<AuthApp, string> = {
  storefront: "agora-storefront",
  "vendor-portal": "agora-vendor-portal",
  "ops-console": "agora-ops-console",
};

/** What the provider's sign-in page calls each app. */
export const IDENTITY_CLIENT_NAME: Record<AuthApp, string> = {
  storefront: "Agora",
  "vendor-portal": "Agora Vendors",
  "ops-console": "Agora Ops",
};

/** Where the provider sends the browser back with the code: next-auth's callback route of the app. */
export function identityCallbackUrl(appUrl: string): string {
  return new URL(`/api/auth/callback/${IDENTITY_PROVIDER_ID}`, appUrl).href;
}

export const identityClientSecretPath = (app: AuthApp) => `identity/clients/${IDENTITY_CLIENT_ID[app]}`;
const secretPath = identityClientSecretPath;

/** Where the provider sends the browser back after an app's sign-out: the app's public origin. */
export function identitySignedOutUrl(appUrl: string): string {
  return new URL("/", appUrl).href;
}

/** KV fields of `identity/clients/<client id>`. */
export const CLIENT_SECRET_FIELDS = {
  current: "client_secret",
  previous: "previous_client_secret",
  /** ISO time after which the previous secret is refused. */
  previousValidUntil: "previous_valid_until",
} as const;

export { type ClientsStore, identityClientsStore };

async function readClient(secrets: SecretsProvider, app: AuthApp): Promise<Record<string, string>> {
  const path = secretPath(app);
  const { data } = await secrets.kv.read(path);
  if (!data[CLIENT_SECRET_FIELDS.current]) throw new Error(`${path} holds no client_secret`);
  return data;
}

/**
 * The secrets the provider accepts for `app`'s client at `now`: the current one, and the previous
 * one while its grace window lasts.
 */
export async function acceptedClientSecrets(
  app: AuthApp,
  secrets: SecretsProvider = identityClientsStore().secrets,
  now: Date = new Date(),
): Promise<string[]> {
  const data = await readClient(secrets, app);
  const accepted = [data[CLIENT_SECRET_FIELDS.current]!];
  const previous = data[CLIENT_SECRET_FIELDS.previous];
  const until = Date.parse(data[CLIENT_SECRET_FIELDS.previousValidUntil] ?? "");
  if (previous && Number.isFinite(until) && now.getTime() < until) accepted.push(previous);
  return accepted;
}

/** The outcome of a rotation, for the ops command's output (never a secret value). */
export interface ClientSecretRotation {
  clientId: string;
  version: number;
  previousValidUntil: string;
}

/**
 * Gives `app`'s client a new secret; the one it replaces stays valid for `graceMs`. Check-and-set
 * on the version read, so two rotations at once cannot both win.
 */
export async function rotateIdentityClientSecret(
  app: AuthApp,
  secrets: SecretsProvider,
  graceMs: number,
  now: Date = new Date(),
): Promise<ClientSecretRotation> {
  const path = secretPath(app);
  const current = await secrets.kv.read(path);
  const until = new Date(now.getTime() + graceMs).toISOString();
  const { version } = await secrets.kv.write(
    path,
    {
      [CLIENT_SECRET_FIELDS.current]: randomBytes(32).toString("base64url"),
      [CLIENT_SECRET_FIELDS.previous]: current.data[CLIENT_SECRET_FIELDS.current] ?? "",
      [CLIENT_SECRET_FIELDS.previousValidUntil]: until,
    },
    { cas: current.version },
  );
  return { clientId: IDENTITY_CLIENT_ID[app], version, previousValidUntil: until };
}

/**
 * The app's client secret: read from the clients' store; created there on first use unless the
 * deployment provides the store (then a missing client is an error naming it).
 */
export async function identityClientSecret(
  app: AuthApp,
  store: SecretsProvider | ClientsStore = identityClientsStore(),
): Promise<string> {
  const { secrets, provided } = "kv" in store ? { secrets: store, provided: false } : store;
  const path = secretPath(app);
  const read = async () => (await readClient(secrets, app))[CLIENT_SECRET_FIELDS.current]!;
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof SecretNotFoundError)) throw err;
    if (provided)
      throw new Error(
        `${path} is not in the identity clients' store (AGORA_IDENTITY_CLIENTS_DIR); create it with the clients-store command (docs/deploy.md)`,
        { cause: err },
      );
  }
  try {
    await secrets.kv.write(
      path,
      { client_secret: randomBytes(32).toString("base64url") },
      { cas: 0 },
    );
  } catch (err) {
    // Another process created it in between: theirs is the one.
    if (!(err instanceof VersionConflictError)) throw err;
  }
  return read();
}

/** The provider settings of one app's next-auth options. */
export interface IdentityClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}
