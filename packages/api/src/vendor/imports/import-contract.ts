/**
 * The bulk-import contract shared by the vendor portal's upload (packages/api) and the `imports`
 * worker (apps/workers/src/imports): queue name, job data, the CSV's columns and the zod schema
 * every row must pass. Only zod here, so the worker can import it without the tRPC stack
 * (`@agora/api/imports`).
 */
import { z } from "zod";

export const IMPORTS_QUEUE = "imports";

/** Everything else about the job is in core `import_jobs`; the queue only says which row. */
export const importJobDataSchema = z.object({ importId: z.uuid(), vendorId: z.uuid() });
export type ImportJobData = z.infer<typeof importJobDataSchema>;

/**
 * Column order of both the import template and the product export (an export re-imports).
 * `variant` (a variant SKU of the row's product) came last and is optional, so files written
 * before it existed still import: a row without it sets the product's own stock.
 */
export const PRODUCT_CSV_COLUMNS = [
  "sku",
  "title",
  "description",
  "category",
  "price",
  "currency",
  "status",
  "warehouse",
  "on_hand",
  "variant",
] as const;
export type ProductCsvColumn = (typeof PRODUCT_CSV_COLUMNS)[number];

/** "12", "12.5", "12.50" → cents; more than two decimals is an error, not a rounding. */
const price = z
  .string()
  .trim()
  .regex(/^\d{1,7}(\.\d{1,2})?$/, "price must look like 12.50 (at most 2 decimals)")
  .transform((s) => {
    const [whole, frac = ""] = s.split(".");
    return Number(whole) * 100 + Number(frac.padEnd(2, "0"));
  });

const skuPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const productCsvRowSchema = z.object({
  sku: z
    .string()
    .trim()
    .min(1, "sku is required")
    .max(64)
    .regex(skuPattern, "sku may use letters, digits, . _ -"),
  title: z.string().trim().min(1, "title is required").max(200),
  description: z.string().trim().max(5000).default(""),
  category: z.string().trim().min(1, "category is required"),
  price,
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, "currency must be a 3-letter code")
    .default("EUR"),
  status: z.enum(["draft", "active", "archived"]).default("active"),
  warehouse: z.string().trim().min(1, "warehouse code is required"),
  on_hand: z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, "on_hand must be a whole number ≥ 0")
    .transform(Number),
  /** The variant's SKU; a new one is created under the row's product. */
  variant: z
    .string()
    .trim()
    .max(64)
    .regex(skuPattern, "variant sku may use letters, digits, . _ -")
    .optional(),
});
export type ProductCsvRow = z.infer<typeof productCsvRowSchema>;

export interface RowError {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  field: string;
  message: string;
}

/** Validates one parsed record; empty cells count as missing so defaults apply. */
export function validateCsvRow(
  record: Record<string, string | undefined>,
  line: number,
): { ok: true; row: ProductCsvRow } | { ok: false; errors: RowError[] } {
  const cleaned = Object.fromEntries(
    Object.entries(record)
      .filter((e): e is [string, string] => e[1] !== undefined && e[1].trim() !== "")
      .map(([k, v]) => [k, unneutralised(v)]),
  );
  const r = productCsvRowSchema.safeParse(cleaned);
  if (r.success) return { ok: true, row: r.data };
  return {
    ok: false,
    errors: r.error.issues.map((i) => ({
      line,
      field: String(i.path[0] ?? "row"),
      message: i.message,
    })),
  };
}

/** Missing required columns of a header, in template order. */
export function missingColumns(header: readonly string[]): ProductCsvColumn[] {
  const optional: ProductCsvColumn[] = ["description", "currency", "status", "variant"];
  return PRODUCT_CSV_COLUMNS.filter((c) => !optional.includes(c) && !header.includes(c));
}

/**
 * Text a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`, and the tab
 * and CR variants): such a cell is written with a leading apostrophe, which spreadsheets show as
 * text (OWASP CSV injection). Numbers are written as they are.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function neutralised(field: string | number): string {
  if (typeof field === "number") return String(field);
  return FORMULA_START.test(field) ? `'${field}` : field;
}

/** The export's apostrophe taken off again on import, so a product round-trips unchanged. */
export function unneutralised(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

/** One RFC 4180 line: quotes a field only when it must; formula-like text is neutralised. */
export function csvLine(fields: readonly (string | number | null | undefined)[]): string {
  return fields
    .map((f) => {
      const s = f === null || f === undefined ? "" : neutralised(f);
      return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    })
    .join(",");
}

/** cents → "12.50" (the import's price format). */
export function formatPrice(cents: number): string {
  return `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, "0")}`;
}
