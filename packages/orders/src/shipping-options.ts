/**
 * THE shipping table: every vendor parcel offers these options. The cart shows them and
 * placement prices the shopper's choice from here, never from the client.
 */
export interface ShippingOption {
  id: "standard" | "express";
  label: string;
  priceCents: number;
  days: number;
}

export const SHIPPING_OPTIONS: readonly ShippingOption[] = [
  { id: "standard", label: "Standard delivery", priceCents: 490, days: 5 },
  { id: "express", label: "Express delivery", priceCents: 1290, days: 1 },
];

export const DEFAULT_SHIPPING_OPTION: ShippingOption["id"] = "standard";

export function shippingOption(id: string): ShippingOption | undefined {
  return SHIPPING_OPTIONS.find((o) => o.id === id);
}
