export {
  migrateAll,
  migrateCluster,
  formatReport,
  type ClusterMigrationReport,
  type MigrateOptions,
} from "./runner.ts";
export {
  loadMigrations,
  migrationsDir,
  MIGRATIONS_ROOT,
  type MigrationFile,
  type MigrationSet,
} from "./files.ts";
