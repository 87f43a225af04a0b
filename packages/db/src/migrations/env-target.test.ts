import { describe, expect, it } from "vitest";
import { migrationTargetFromSettings, withDatabase } from "./env-target.ts";

describe("a migration target from the environment", () => {
  const target = migrationTargetFromSettings({
    clusters: [
      { name: "core", kind: "core" },
      { name: "shard-1", kind: "shard" },
    ],
    adminUrls: {
      core: "postgresql://postgres:p%40ss@core-primary:5432/postgres?sslmode=require",
      "shard-1": "postgresql://postgres:x@shard-1-primary:5432/postgres",
    },
    database: "agora",
    appUser: "agora",
    appPassword: "a-long-app-password",
  });

  it("points each cluster's admin URL at the database a step needs, keeping credentials and options", () => {
    expect(target.superuserUrl("core", "agora")).toBe(
      "postgresql://postgres:p%40ss@core-primary:5432/agora?sslmode=require",
    );
    expect(target.superuserUrl("shard-1", "postgres")).toBe(
      "postgresql://postgres:x@shard-1-primary:5432/postgres",
    );
  });

  it("takes the owner role from the admin URL and refuses an unknown cluster", () => {
    expect(target.postgres).toEqual({ database: "agora", appUser: "agora", superuser: "postgres" });
    expect(() => target.superuserUrl("shard-9", "agora")).toThrow(/shard-9/);
  });

  it("replaces only the database of a URL", () => {
    expect(withDatabase("postgres://u:p@h:1/a", "b")).toBe("postgres://u:p@h:1/b");
  });
});
