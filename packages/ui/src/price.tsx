/** Money as shoppers read it: integer cents in, localized currency out. */
export function formatPrice(cents: number, currency = "EUR"): string {
  return new Intl.NumberFormat("en-IE", { style: "currency", currency }).format(cents / 100);
}

export function Price({ cents, currency = "EUR" }: { cents: number; currency?: string }) {
  return <span className="font-semibold tabular-nums">{formatPrice(cents, currency)}</span>;
}
