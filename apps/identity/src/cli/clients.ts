/**
 * `npm run identity:clients -- <command>`: the sign-in clients' secrets (KV
 * `identity/clients/<client id>`), as an operator handles them.
 *
 *   create --store DIR                 a store (secrets.json, the file provider's format) holding a
 *                                      secret for each app: on Kubernetes, the content of the Secret
 *                                      `agora-identity-clients` (docs/deploy.md)
 *   rotate --app APP [--grace-minutes N] [--store DIR]
 *                                      a new secret for APP; the old one is accepted N minutes more
 *                                      (default 60). Without --store: this process's clients' store
 *                                      (the local topology's, AGORA_SECRETS_DIR)
 *
 * Prints what it did, never a secret value.
 */
import { parseArgs } from "node:util";
import {
  type AuthApp,
  IDENTITY_CLIENT_ID,
  identityClientSecret,
  identityClientsStore,
  rotateIdentityClientSecret,
} from "@agora/auth";
import { fileSecretsProvider, type SecretsProvider } from "@agora/secrets";
import { z } from "zod";

const APPS = Object.keys(IDENTITY_CLIENT_ID) as [AuthApp, ...AuthApp[]];

const argsSchema = z.discriminatedUnion("command", [
  z.object({ command: z.literal("create"), store: z.string().min(1) }),
  z.object({
    command: z.literal("rotate"),
    app: z.enum(APPS),
    graceMinutes: z.coerce.number().int().min(1).max(7 * 24 * 60).default(60),
    store: z.string().min(1).optional(),
  }),
]);

function storeAt(dir: string): SecretsProvider {
  return fileSecretsProvider({ dir, actor: "identity-clients-cli" });
}

async function main(argv: string[]): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      store: { type: "string" },
      app: { type: "string" },
      "grace-minutes": { type: "string" },
    },
  });
  const parsed = argsSchema.safeParse({
    command: positionals[0],
    store: values.store,
    app: values.app,
    graceMinutes: values["grace-minutes"],
  });
  if (!parsed.success)
    throw new Error(`usage: create --store DIR | rotate --app ${APPS.join("|")} [--grace-minutes N] [--store DIR]\n${z.prettifyError(parsed.error)}`);
  const args = parsed.data;
  if (args.command === "create") {
    const secrets = storeAt(args.store);
    for (const app of APPS) await identityClientSecret(app, secrets);
    return `${args.store}/secrets.json holds a client secret for ${APPS.map((a) => IDENTITY_CLIENT_ID[a]).join(", ")}`;
  }
  let secrets: SecretsProvider;
  if (args.store) secrets = storeAt(args.store);
  else {
    const own = identityClientsStore();
    if (own.provided)
      throw new Error("this process reads a mounted clients' store (AGORA_IDENTITY_CLIENTS_DIR): rotate a copy with --store and apply it");
    secrets = own.secrets;
  }
  const r = await rotateIdentityClientSecret(args.app, secrets, args.graceMinutes * 60_000);
  return `${r.clientId}: new secret (version ${r.version}); the previous one is accepted until ${r.previousValidUntil}`;
}

main(process.argv.slice(2)).then(
  (line) => process.stdout.write(`${line}\n`),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
