/** The local topology as a migration target for @agora/db's runner (superuser access to each primary). */
import { databaseUrl, secrets, type Topology } from "../topology.ts";

export function migrationTarget(t: Topology) {
  return {
    clusters: t.clusters.map((c) => ({ name: c.name, kind: c.kind })),
    postgres: { database: t.postgres.database, appUser: t.postgres.appUser, superuser: t.postgres.superuser },
    appPassword: secrets(t).appPassword,
    superuserUrl: (cluster: string, database: string) =>
      databaseUrl(t, cluster, "rw", { as: "superuser", database }),
  };
}
