export {
  migrateAll,
  migrateCluster,
  formatReport,
  type ClusterMigrationReport,
  type MigrateOptions,
  type MigrationTarget,
} from "./runner.ts";
export {
  loadMigrations,
  migrationsDir,
  MIGRATIONS_ROOT,
  type MigrationFile,
  type MigrationSet,
} from "./files.ts";
export { migrationTargetFromSettings, withDatabase } from "./env-target.ts";
