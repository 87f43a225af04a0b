/**
 * The SQL migration runner's access, for the one-shot `migrate` process (the release Job): per
 * cluster an admin URL of its primary (a role that may create roles and databases; the runner
 * swaps the URL's database per step), and the app role it creates or updates with its password.
 * The core cluster is always `core`; `AGORA_DB_SHARDS` names the shard clusters, as for the apps,
 * and production refuses an admin URL that does not verify the server, as it does theirs.
 */
import { z } from "zod";
import { CORE_CLUSTER } from "../clusters.ts";
import { requireVerifiedTls } from "./database.ts";
import { runtimeSchema } from "./listen.ts";
import { commaList, pgUrl } from "./primitives.ts";

const adminUrl = pgUrl("postgres:// URL of the cluster's primary, as an admin role");

/** `shard-1` → `AGORA_DB_ADMIN_URL_SHARD_1`. */
export function dbAdminUrlEnvName(cluster: string): string {
  return `AGORA_DB_ADMIN_URL_${cluster.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

export interface MigrationSettings {
  clusters: { name: string; kind: "core" | "shard" }[];
  /** Cluster name → admin URL of its primary. */
  adminUrls: Record<string, string>;
  database: string;
  appUser: string;
  appPassword: string;
  /** Where the SQL files are when not beside the runner's sources (container images). */
  migrationsDir?: string;
}

const migrationKeys = z
  .object({
    AGORA_ENV: runtimeSchema.shape.AGORA_ENV,
    AGORA_DB_ADMIN_URL_CORE: adminUrl,
    AGORA_DB_SHARDS: commaList(
      z.string().regex(/^[a-z0-9-]+$/, "cluster names are lower-case, digits and -"),
    ),
    AGORA_DB_NAME: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default("agora"),
    AGORA_DB_APP_USER: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default("agora"),
    AGORA_DB_APP_PASSWORD: z
      .string({ message: "required (the app role's password)" })
      .min(16, "must be at least 16 characters"),
    AGORA_MIGRATIONS_DIR: z.string().startsWith("/", "must be an absolute path").optional(),
  })
  .catchall(z.string().optional());

export const migrationSchema = migrationKeys.transform((env, ctx): MigrationSettings => {
  const adminUrls: Record<string, string> = { [CORE_CLUSTER]: env.AGORA_DB_ADMIN_URL_CORE };
  const given: Record<string, string> = { AGORA_DB_ADMIN_URL_CORE: env.AGORA_DB_ADMIN_URL_CORE };
  for (const cluster of env.AGORA_DB_SHARDS) {
    const key = dbAdminUrlEnvName(cluster);
    const r = adminUrl.safeParse(env[key]);
    if (r.success) adminUrls[cluster] = given[key] = r.data;
    else
      ctx.addIssue({
        code: "custom",
        path: [key],
        message:
          env[key] === undefined
            ? `required (admin URL of ${cluster}'s primary)`
            : "must be a postgres:// URL",
      });
  }
  requireVerifiedTls(env.AGORA_ENV === "production", given, ctx);
  return {
    clusters: [
      { name: CORE_CLUSTER, kind: "core" },
      ...env.AGORA_DB_SHARDS.map((name) => ({ name, kind: "shard" as const })),
    ],
    adminUrls,
    database: env.AGORA_DB_NAME,
    appUser: env.AGORA_DB_APP_USER,
    appPassword: env.AGORA_DB_APP_PASSWORD,
    migrationsDir: env.AGORA_MIGRATIONS_DIR,
  };
});
