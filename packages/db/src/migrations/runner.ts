/**
 * Applies the hand-written SQL migrations to every cluster of a deployment (Prisma's schema engine
 * is not available here, see /work/shared/ENVIRONMENT.md). Per cluster:
 *   1. as superuser in database `postgres`: ensure the app role (LOGIN, not superuser, so row-level
 *      security can apply to it later) and the app database exist;
 *   2. in the app database: take an advisory lock, compare applied checksums, apply each pending
 *      file in its own transaction and record it in `schema_migrations`.
 * Re-running applies nothing. Always connects through HAProxy's rw port, i.e. the current primary.
 */
import pg from "pg";
import { MigrationChecksumError } from "../errors/database-errors.ts";
import { withRetry } from "../replicas/with-retry.ts";
import { loadMigrations, migrationsDir, type MigrationFile, type MigrationSet } from "./files.ts";

/** Arbitrary constant: the lock key every migrator of this project uses (per database). */
const MIGRATION_LOCK_KEY = 4_242_001;
const LOCK_WAIT_MS = 60_000;

export interface ClusterMigrationReport {
  cluster: string;
  set: MigrationSet;
  /** Versions applied by this run, e.g. ["0001_init"]. */
  applied: string[];
  /** Number of migrations that were already applied before this run. */
  alreadyApplied: number;
  roleCreated: boolean;
  databaseCreated: boolean;
  durationMs: number;
}

/**
 * What a migrator needs to know about a deployment: its clusters, the roles, and superuser access
 * to each primary. A producer builds it (infra/local: `migrationTarget(topology)`).
 */
export interface MigrationTarget {
  clusters: { name: string; kind: "core" | "shard" }[];
  postgres: { database: string; appUser: string; superuser: string };
  /** The app role's password (set on the role by bootstrap). */
  appPassword: string;
  /** Superuser URL of a cluster's current primary, for `database`. */
  superuserUrl(cluster: string, database: string): string;
}

type TargetCluster = MigrationTarget["clusters"][number];

export interface MigrateOptions {
  /** Override the migrations folder (tests use a modified copy to prove checksum refusal). */
  dir?: string;
  /** The folder holding `core/` and `shard/` (a container image keeps them elsewhere). */
  root?: string;
  log?: (line: string) => void;
}

function setFor(c: TargetCluster): MigrationSet {
  return c.kind === "core" ? "core" : "shard";
}

async function connect(url: string, cluster: string): Promise<pg.Client> {
  // During start-up or a failover HAProxy may have no primary for a few seconds: retry the connect only.
  return withRetry(
    async () => {
      const client = new pg.Client({
        connectionString: url,
        connectionTimeoutMillis: 3000,
        application_name: `agora-migrate:${cluster}`,
      });
      try {
        await client.connect();
      } catch (err) {
        await client.end().catch((endErr: unknown) => void endErr); // the connect error is the one to report
        throw err;
      }
      return client;
    },
    { attempts: 8, baseDelayMs: 250, maxDelayMs: 3000 },
  );
}

async function ensureRoleAndDatabase(
  t: MigrationTarget,
  c: TargetCluster,
): Promise<{ roleCreated: boolean; databaseCreated: boolean }> {
  const { appUser, database } = t.postgres;
  const client = await connect(t.superuserUrl(c.name, "postgres"), c.name);
  try {
    // Serialise bootstrap across concurrent migrators (two CREATE ROLE would race).
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    const password = t.appPassword;
    const role = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [appUser]);
    const roleCreated = role.rowCount === 0;
    const verb = roleCreated ? "CREATE" : "ALTER";
    // format() quotes identifier and literal server-side; DDL cannot take bind parameters.
    const ddl = await client.query<{ sql: string }>(
      `SELECT format('${verb} ROLE %I WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD %L', $1::text, $2::text) AS sql`,
      [appUser, password],
    );
    await client.query(ddl.rows[0]!.sql);
    const db = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    const databaseCreated = db.rowCount === 0;
    if (databaseCreated) {
      const create = await client.query<{ sql: string }>(
        "SELECT format('CREATE DATABASE %I OWNER %I', $1::text, $2::text) AS sql",
        [database, appUser],
      );
      await client.query(create.rows[0]!.sql);
    }
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    return { roleCreated, databaseCreated };
  } finally {
    await client.end();
  }
}

async function acquireLock(client: pg.Client, cluster: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const r = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock($1) AS ok", [
      MIGRATION_LOCK_KEY,
    ]);
    if (r.rows[0]?.ok) return;
    if (Date.now() > deadline)
      throw new Error(
        `cluster "${cluster}": another migrator held the migration lock for over ${LOCK_WAIT_MS / 1000} s`,
      );
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Schema-level setup that must hold before any migration runs; idempotent. */
async function prepareDatabase(client: pg.Client, t: MigrationTarget): Promise<void> {
  const { appUser, superuser } = t.postgres;
  const q = (sql: string) =>
    client.query(sql.replaceAll(":app", `"${appUser}"`).replaceAll(":owner", `"${superuser}"`));
  await q(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  // The app role owns the database (so it can connect and be managed per tenant later) but not the
  // schema or the tables: a schema owner may drop anything inside it, and RLS never applies to a table owner.
  await q(`ALTER SCHEMA public OWNER TO :owner`);
  await q(`REVOKE CREATE ON SCHEMA public FROM PUBLIC`);
  await q(`GRANT USAGE ON SCHEMA public TO :app`);
  await q(`REVOKE ALL ON schema_migrations FROM :app`);
  await q(`GRANT SELECT ON schema_migrations TO :app`);
  // Everything later migrations create is usable by the app role; a migration may REVOKE more.
  await q(
    `ALTER DEFAULT PRIVILEGES FOR ROLE :owner IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :app`,
  );
  await q(
    `ALTER DEFAULT PRIVILEGES FOR ROLE :owner IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO :app`,
  );
}

/** Migrates one cluster; see the file comment for the steps. */
export async function migrateCluster(
  t: MigrationTarget,
  clusterName: string,
  opts: MigrateOptions = {},
): Promise<ClusterMigrationReport> {
  const started = Date.now();
  const c = t.clusters.find((x) => x.name === clusterName);
  if (!c) throw new Error(`unknown cluster "${clusterName}"`);
  const set = setFor(c);
  const files = loadMigrations(opts.dir ?? migrationsDir(set, opts.root));
  const boot = await ensureRoleAndDatabase(t, c);
  const client = await connect(t.superuserUrl(c.name, t.postgres.database), c.name);
  try {
    await client.query("SET lock_timeout = '30s'");
    await acquireLock(client, c.name);
    try {
      await prepareDatabase(client, t);
      const applied = await client.query<{ version: string; name: string; checksum: string }>(
        "SELECT version, name, checksum FROM schema_migrations ORDER BY version",
      );
      const byVersion = new Map(files.map((f) => [f.version, f]));
      for (const row of applied.rows) {
        const file = byVersion.get(row.version);
        if (!file) {
          throw new Error(
            `cluster "${c.name}": migration ${row.version}_${row.name} is applied but its file is missing from ${opts.dir ?? migrationsDir(set, opts.root)}`,
          );
        }
        if (file.checksum !== row.checksum)
          throw new MigrationChecksumError(
            c.name,
            row.version,
            row.name,
            row.checksum,
            file.checksum,
          );
      }
      const done = new Set(applied.rows.map((r) => r.version));
      const pending: MigrationFile[] = files.filter((f) => !done.has(f.version));
      const appliedNow: string[] = [];
      for (const f of pending) {
        await client.query("BEGIN");
        try {
          await client.query(f.sql);
          await client.query(
            "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
            [f.version, f.name, f.checksum],
          );
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK");
          throw new Error(
            `cluster "${c.name}": migration ${f.version}_${f.name} failed: ${(err as Error).message}`,
            { cause: err },
          );
        }
        appliedNow.push(`${f.version}_${f.name}`);
        opts.log?.(`${c.name}: applied ${f.version}_${f.name}`);
      }
      return {
        cluster: c.name,
        set,
        applied: appliedNow,
        alreadyApplied: done.size,
        ...boot,
        durationMs: Date.now() - started,
      };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/** Migrates every cluster (core set to core, shard set to each shard), in parallel. */
export async function migrateAll(
  t: MigrationTarget,
  opts: Omit<MigrateOptions, "dir"> = {},
): Promise<ClusterMigrationReport[]> {
  return Promise.all(t.clusters.map((c) => migrateCluster(t, c.name, opts)));
}

export function formatReport(r: ClusterMigrationReport): string {
  const what =
    r.applied.length > 0 ? `applied ${r.applied.length} (${r.applied.join(", ")})` : "up to date";
  const boot = [r.roleCreated ? "role created" : "", r.databaseCreated ? "database created" : ""]
    .filter(Boolean)
    .join(", ");
  return `${r.cluster.padEnd(8)} [${r.set}] ${what}; ${r.alreadyApplied} already applied${boot ? `; ${boot}` : ""} (${r.durationMs} ms)`;
}
