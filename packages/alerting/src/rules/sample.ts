/** One instant value of a Prometheus series, as scraped or probed. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A series for which a rule's condition holds now, with the value that made it hold. */
export interface ActiveSeries {
  labels: Record<string, string>;
  value: number;
}

/** Stable identity of a label set (sorted `k="v"` pairs), as Prometheus fingerprints series. */
export function labelsKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(",");
}
