/**
 * Optimistic concurrency for products: every save names the version it was based on; a save
 * based on an older version is refused and told what the other save changed, so the editor can
 * show "price is now 12.50" instead of silently overwriting it.
 */
export interface FieldChange {
  field: string;
  /** The value saved now (by someone else). */
  current: unknown;
  /** What this save wanted to write. */
  submitted: unknown;
}

export class ProductVersionConflictError extends Error {
  readonly code = "VERSION_CONFLICT";
  readonly details: { productId: string; currentVersion: number; changedFields: FieldChange[] };
  constructor(
    productId: string,
    expectedVersion: number,
    currentVersion: number,
    changes: FieldChange[],
  ) {
    super(
      `product ${productId} was saved by someone else (version ${currentVersion}, you edited version ${expectedVersion})` +
        (changes.length ? `: ${changes.map((c) => c.field).join(", ")} differ` : ""),
    );
    this.name = "ProductVersionConflictError";
    this.details = { productId, currentVersion, changedFields: changes };
  }
}

/** Comparable snapshot of the editable fields of a product. */
export interface EditableProduct {
  sku: string | null;
  title: string;
  description: string;
  categorySlug: string;
  priceCents: number;
  currency: string;
  status: string;
  variants: {
    sku: string;
    title: string;
    size: string | null;
    colour: string | null;
    priceCents: number | null;
  }[];
}

function canonicalVariants(v: EditableProduct["variants"]): string {
  return JSON.stringify(
    [...v]
      .sort((a, b) => a.sku.localeCompare(b.sku))
      .map((x) => [x.sku, x.title, x.size, x.colour, x.priceCents]),
  );
}

/** Fields whose saved value differs from the submitted one (what the conflict message lists). */
export function diffProduct(
  current: EditableProduct,
  submitted: Partial<EditableProduct>,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const field of [
    "sku",
    "title",
    "description",
    "categorySlug",
    "priceCents",
    "currency",
    "status",
  ] as const) {
    if (submitted[field] !== undefined && submitted[field] !== current[field])
      changes.push({ field, current: current[field], submitted: submitted[field] });
  }
  if (
    submitted.variants &&
    canonicalVariants(submitted.variants) !== canonicalVariants(current.variants)
  )
    changes.push({ field: "variants", current: current.variants, submitted: submitted.variants });
  return changes;
}
