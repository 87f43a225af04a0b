/**
 * What a vendor move carries: every tenant table of a shard, parents before children (the order
 * inserts need; deletes go the other way), with the column that names the tenant and the primary
 * key the catch-up journal records (the same arguments the guard trigger of shard migration 0019
 * is created with). The outbox is not carried: the move waits for the vendor's unpublished rows
 * to be relayed from the old shard instead, so events stay in order.
 */
export interface TenantTable {
  name: string;
  tenantColumn: string;
  primaryKey: readonly string[];
  /** The app role may only insert (no UPDATE/DELETE grant): a copied row is never rewritten. */
  appendOnly?: boolean;
}

export const MOVED_TABLES: readonly TenantTable[] = [
  { name: "vendors", tenantColumn: "id", primaryKey: ["id"] },
  { name: "warehouses", tenantColumn: "vendor_id", primaryKey: ["id"] },
  { name: "products", tenantColumn: "vendor_id", primaryKey: ["id"] },
  { name: "product_variants", tenantColumn: "vendor_id", primaryKey: ["id"] },
  { name: "media", tenantColumn: "vendor_id", primaryKey: ["id"] },
  { name: "stock_levels", tenantColumn: "vendor_id", primaryKey: ["id"] },
  {
    name: "stock_movements",
    tenantColumn: "vendor_id",
    primaryKey: ["vendor_id", "id"],
    appendOnly: true,
  },
  { name: "vendor_orders", tenantColumn: "vendor_id", primaryKey: ["id"] },
  { name: "vendor_payouts", tenantColumn: "vendor_id", primaryKey: ["id"], appendOnly: true },
  { name: "processed_messages", tenantColumn: "vendor_id", primaryKey: ["consumer", "message_id"] },
];

export function tableNamed(name: string): TenantTable {
  const t = MOVED_TABLES.find((x) => x.name === name);
  if (!t) throw new Error(`not a moved tenant table: ${name}`);
  return t;
}

/** Quoted identifier (the names above are constants; quoting keeps the SQL builders honest). */
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
