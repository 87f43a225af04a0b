import { cpSync, mkdtempSync, readdirSync, rmSync, appendFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { migrationTarget } from "@agora/infra-local/env";
import { topology } from "@agora/infra-local/topology";
import { MigrationChecksumError } from "../errors/database-errors.ts";
import { migrateAll, migrateCluster, migrationsDir } from "./index.ts";

const t = topology();
const target = migrationTarget(t);
const tmp = mkdtempSync(join(tmpdir(), "agora-migrations-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("migration runner", () => {
  it("brings every cluster up to date and a second run applies nothing", async () => {
    const first = await migrateAll(target);
    expect(first.map((r) => r.cluster).sort()).toEqual(t.clusters.map((c) => c.name).sort());
    for (const r of first) {
      const files = readdirSync(migrationsDir(r.set)).filter((f) => f.endsWith(".sql")).length;
      expect(r.alreadyApplied + r.applied.length).toBe(files);
    }
    const second = await migrateAll(target);
    for (const r of second) {
      expect(r.applied).toEqual([]);
      expect(r.roleCreated).toBe(false);
      expect(r.databaseCreated).toBe(false);
    }
  });

  it("refuses to run when an already applied file was edited", async () => {
    const edited = join(tmp, "shard");
    cpSync(migrationsDir("shard"), edited, { recursive: true });
    appendFileSync(join(edited, "0001_init.sql"), "\n-- an innocent-looking edit\n");
    const shardName = t.clusters.find((c) => c.kind === "shard")!.name;
    await expect(migrateCluster(target, shardName, { dir: edited })).rejects.toBeInstanceOf(
      MigrationChecksumError,
    );
    await expect(migrateCluster(target, shardName, { dir: edited })).rejects.toThrow(
      /0001_init was already applied with checksum/,
    );
    // The original files still pass: nothing was recorded by the refused run.
    expect((await migrateCluster(target, shardName)).applied).toEqual([]);
  });
});
