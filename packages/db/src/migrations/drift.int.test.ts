/**
 * Proves the Prisma schemas and the SQL migrations agree on every cluster: each model's table and
 * each scalar field's column exist, with the same nullability and a compatible type.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import internals from "@prisma/internals";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { databaseUrl, topology } from "@agora/infra-local/topology";

const { getDMMF } = internals;
const t = topology();
const prismaDir = join(dirname(fileURLToPath(import.meta.url)), "../../prisma");

/** information_schema `data_type` values a Prisma scalar may map to. */
function compatibleTypes(type: string, nativeType: string | undefined): string[] {
  if (nativeType === "Uuid") return ["uuid"];
  if (nativeType === "Timestamptz") return ["timestamp with time zone"];
  switch (type) {
    case "String":
      return ["text", "character varying", "uuid", "character"];
    case "Int":
      return ["integer"];
    case "BigInt":
      return ["bigint"];
    case "Boolean":
      return ["boolean"];
    case "DateTime":
      return ["timestamp with time zone", "timestamp without time zone", "date"];
    case "Json":
      return ["jsonb", "json"];
    case "Float":
      return ["double precision", "real"];
    case "Decimal":
      return ["numeric"];
    case "Bytes":
      return ["bytea"];
    default:
      return [`<no mapping for ${type}>`];
  }
}

interface Column {
  data_type: string;
  is_nullable: "YES" | "NO";
}

async function columnsOf(cluster: string): Promise<Map<string, Map<string, Column>>> {
  const client = new pg.Client({
    connectionString: databaseUrl(t, cluster, "rw"),
    connectionTimeoutMillis: 3000,
  });
  await client.connect();
  try {
    const r = await client.query<Column & { table_name: string; column_name: string }>(
      "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = 'public'",
    );
    const tables = new Map<string, Map<string, Column>>();
    for (const row of r.rows) {
      let cols = tables.get(row.table_name);
      if (!cols) tables.set(row.table_name, (cols = new Map()));
      cols.set(row.column_name, row);
    }
    return tables;
  } finally {
    await client.end();
  }
}

for (const set of ["core", "shard"] as const) {
  const clusters = t.clusters.filter((c) => c.kind === set).map((c) => c.name);
  describe(`prisma/${set}/schema.prisma matches the migrated database`, () => {
    it.each(clusters)("on cluster %s", async (cluster) => {
      const dmmf = await getDMMF({
        datamodel: readFileSync(join(prismaDir, set, "schema.prisma"), "utf8"),
      });
      const tables = await columnsOf(cluster);
      const problems: string[] = [];
      for (const model of dmmf.datamodel.models) {
        const table = model.dbName ?? model.name;
        const cols = tables.get(table);
        if (!cols) {
          problems.push(`model ${model.name}: table "${table}" is missing`);
          continue;
        }
        for (const f of model.fields) {
          if (f.kind !== "scalar" && f.kind !== "enum") continue;
          const name = f.dbName ?? f.name;
          const col = cols.get(name);
          if (!col) {
            problems.push(`${model.name}.${f.name}: column ${table}.${name} is missing`);
            continue;
          }
          if ((col.is_nullable === "NO") !== f.isRequired) {
            problems.push(
              `${model.name}.${f.name}: Prisma says ${f.isRequired ? "required" : "optional"}, ${table}.${name} is ${col.is_nullable === "NO" ? "NOT NULL" : "nullable"}`,
            );
          }
          const native = f.nativeType ? String(f.nativeType[0]) : undefined;
          const ok =
            f.kind === "enum"
              ? col.data_type === "USER-DEFINED"
              : f.isList
                ? col.data_type === "ARRAY"
                : compatibleTypes(f.type as string, native).includes(col.data_type);
          if (!ok)
            problems.push(
              `${model.name}.${f.name}: Prisma ${f.type}${native ? ` @db.${native}` : ""} vs ${table}.${name} ${col.data_type}`,
            );
        }
      }
      expect(problems).toEqual([]);
      // Unsupported("tsvector") fields are not in the DMMF: check the one we rely on explicitly.
      if (set === "core")
        expect(tables.get("catalog_search")?.get("search_vector")?.data_type).toBe("tsvector");
    });
  });
}
