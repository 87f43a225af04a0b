/**
 * The migration target of a deployment that is not the local topology (a Kubernetes release Job):
 * built from the environment's admin URLs (see `migrationSchema` in @agora/config).
 */
import type { MigrationSettings } from "@agora/config";
import type { MigrationTarget } from "./runner.ts";

/** The same URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export function migrationTargetFromSettings(s: MigrationSettings): MigrationTarget {
  const core = new URL(s.adminUrls.core ?? "");
  return {
    clusters: s.clusters,
    // The admin role owns what the runner creates besides the app role (`:owner` in the SQL).
    postgres: {
      database: s.database,
      appUser: s.appUser,
      superuser: decodeURIComponent(core.username),
    },
    appPassword: s.appPassword,
    superuserUrl: (cluster, database) => {
      const admin = s.adminUrls[cluster];
      if (!admin) throw new Error(`no admin URL for cluster ${cluster}`);
      return withDatabase(admin, database);
    },
  };
}
