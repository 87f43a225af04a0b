/**
 * Row copying between two shards of the same schema, as JSON text: `row_to_json` on the source,
 * `json_populate_recordset` on the target, so every value (microsecond timestamps, jsonb, numeric,
 * bigint) arrives exactly as stored, with no JavaScript types in between.
 *
 * Written by hand because no library moves one tenant's rows between Postgres clusters; logical
 * replication with row filters would need `wal_level = logical` on every shard and cannot carry
 * the journal-driven catch-up of deletes that this does in a few statements.
 */
import type { ShardTx } from "../../clients/prisma-clients.ts";
import { ident, type TenantTable } from "./tables.ts";

/** Every column a row can be inserted with (generated columns excluded), in table order. */
export async function insertableColumns(tx: ShardTx, table: string): Promise<string[]> {
  const rows = await tx.$queryRawUnsafe<{ attname: string }[]>(
    `SELECT attname FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
      ORDER BY attnum`,
    table,
  );
  return rows.map((r) => r.attname);
}

const list = (cols: readonly string[], prefix = "") =>
  cols.map((c) => prefix + ident(c)).join(", ");

/** SQL for row `x`'s primary key as a JSON object, the shape the journal records keys in. */
const keyObject = (t: TenantTable) =>
  `json_build_object(${t.primaryKey.map((c) => `'${c}', x.${ident(c)}`).join(", ")})`;

export interface RowPage {
  /** The rows as a JSON array (text, passed on untouched). */
  json: string;
  count: number;
  /** The last row's primary key, as JSON, for the next page. */
  cursor: string | undefined;
}

/** One page of the vendor's rows of `t` in primary-key order, after `cursor`. */
export async function readVendorPage(
  tx: ShardTx,
  t: TenantTable,
  columns: readonly string[],
  vendorId: string,
  cursor: string | undefined,
  limit: number,
): Promise<RowPage> {
  const pk = list(t.primaryKey);
  const after = cursor
    ? `AND (${pk}) > (SELECT ${pk} FROM json_populate_record(null::${ident(t.name)}, $2::json))`
    : "";
  const rows = await tx.$queryRawUnsafe<{ json: string; count: number; last: string | null }[]>(
    `SELECT coalesce(json_agg(x ORDER BY ${list(t.primaryKey, "x.")}), '[]')::text AS json,
            count(*)::int AS count,
            (array_agg(${keyObject(t)}
               ORDER BY ${t.primaryKey.map((c) => `x.${ident(c)} DESC`).join(", ")}))[1]::text AS last
       FROM (SELECT ${list(columns)} FROM ${ident(t.name)}
              WHERE ${ident(t.tenantColumn)} = $1::uuid ${after}
              ORDER BY ${pk} LIMIT ${Math.trunc(limit)}) x`,
    vendorId,
    ...(cursor ? [cursor] : []),
  );
  const r = rows[0] ?? { json: "[]", count: 0, last: null };
  return { json: r.json, count: r.count, cursor: r.last ?? undefined };
}

/** The current rows of `t` with these primary keys (a JSON array of key objects). */
export async function readRowsByKey(
  tx: ShardTx,
  t: TenantTable,
  columns: readonly string[],
  keysJson: string,
): Promise<{ json: string; keys: string }> {
  const pk = list(t.primaryKey);
  const rows = await tx.$queryRawUnsafe<{ json: string; keys: string }[]>(
    `SELECT coalesce(json_agg(x), '[]')::text AS json,
            coalesce(json_agg(${keyObject(t)}), '[]')::text AS keys
       FROM (SELECT ${list(columns)} FROM ${ident(t.name)}
              WHERE (${pk}) IN (SELECT ${pk} FROM json_populate_recordset(null::${ident(t.name)}, $1::json))) x`,
    keysJson,
  );
  const r = rows[0];
  return { json: r?.json ?? "[]", keys: r?.keys ?? "[]" };
}

/**
 * Inserts the rows, or overwrites the ones already there (same primary key); an append-only
 * table's rows never change, so one already there is kept. Returns the count.
 */
export async function upsertRows(
  tx: ShardTx,
  t: TenantTable,
  columns: readonly string[],
  rowsJson: string,
): Promise<number> {
  const rest = columns.filter((c) => !t.primaryKey.includes(c));
  const onConflict = t.appendOnly
    ? "DO NOTHING"
    : `DO UPDATE SET ${rest.map((c) => `${ident(c)} = EXCLUDED.${ident(c)}`).join(", ")}`;
  return tx.$executeRawUnsafe(
    `INSERT INTO ${ident(t.name)} (${list(columns)})
     SELECT ${list(columns)} FROM json_populate_recordset(null::${ident(t.name)}, $1::json)
     ON CONFLICT (${list(t.primaryKey)}) ${onConflict}`,
    rowsJson,
  );
}

/** Deletes the rows with these primary keys (a JSON array of key objects). */
export async function deleteRowsByKey(
  tx: ShardTx,
  t: TenantTable,
  keysJson: string,
): Promise<number> {
  const pk = list(t.primaryKey);
  return tx.$executeRawUnsafe(
    `DELETE FROM ${ident(t.name)}
      WHERE (${pk}) IN (SELECT ${pk} FROM json_populate_recordset(null::${ident(t.name)}, $1::json))`,
    keysJson,
  );
}
