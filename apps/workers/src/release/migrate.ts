/**
 * `main.ts migrate`: the release Job's one-shot. Applies the SQL migrations to every cluster named
 * by the environment (an admin URL per primary, see `migrationSchema`) and exits; a second run is
 * a no-op (checksums, advisory lock), so every release runs it.
 */
import { loadConfig, migrationSchema } from "@agora/config";
import { formatReport, migrateAll, migrationTargetFromSettings } from "@agora/db/migrations";

export async function runMigrations(write: (line: string) => void): Promise<void> {
  const settings = loadConfig(migrationSchema);
  const reports = await migrateAll(migrationTargetFromSettings(settings), {
    root: settings.migrationsDir,
  });
  for (const r of reports) write(formatReport(r));
}
