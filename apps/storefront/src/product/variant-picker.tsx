"use client";

/** The product page's choice of variant (size, colour), each with its own live stock. */

export interface PickableVariant {
  id: string;
  title: string;
  priceCents: number | null;
  attributes: Record<string, string>;
}

/** "M / red" from the picker dimensions, or the variant's title when it has none. */
export function variantLabel(v: PickableVariant): string {
  const dims = ["size", "colour"].flatMap((k) => (v.attributes[k] ? [v.attributes[k]] : []));
  return dims.length > 0 ? dims.join(" / ") : v.title;
}

export function VariantPicker({
  variants,
  available,
  selected,
  onSelect,
}: {
  variants: PickableVariant[];
  /** Units per variant id right now (live). */
  available: Readonly<Record<string, number>>;
  selected: string | null;
  onSelect: (variantId: string) => void;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-semibold">Choose a variant</legend>
      <div role="radiogroup" aria-label="Variant" className="flex flex-wrap gap-2">
        {variants.map((v) => {
          const left = available[v.id] ?? 0;
          const active = v.id === selected;
          return (
            <button
              key={v.id}
              type="button"
              role="radio"
              aria-checked={active}
              data-variant={v.id}
              onClick={() => onSelect(v.id)}
              className={`min-h-11 rounded-md border px-3 text-sm ${
                active
                  ? "border-brand-600 bg-brand-50 font-semibold dark:bg-zinc-800"
                  : "border-zinc-300 dark:border-zinc-700"
              } ${left <= 0 ? "text-zinc-400 line-through" : ""}`}
            >
              {variantLabel(v)}
              <span className="ml-2 text-xs" data-testid="variant-stock">
                {left <= 0 ? "sold out" : `${left} left`}
              </span>
            </button>
          );
        })}
      </div>
    </fieldset>
  );
}
