"use client";

import { Badge, EmptyState, ProgressBar } from "@agora/ui";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";
import { useState } from "react";

/** Upload a CSV (→ /api/imports), then watch its progress by polling `vendor.imports.list`. */
export function ImportPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const imports = useQuery({
    ...trpc.vendor.imports.list.queryOptions(),
    // Poll while something is still moving; stop once every job has finished.
    refetchInterval: (q) => (q.state.data?.some((i) => i.status === "queued" || i.status === "running") ? 1000 : false),
  });

  async function upload(form: HTMLFormElement) {
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch("/api/imports", { method: "POST", body: new FormData(form) });
      const body = (await res.json()) as { error?: string; reused?: boolean };
      setMessage(res.ok ? (body.reused ? "Same file as before: running it again." : "Upload accepted.") : (body.error ?? `Upload failed (${res.status}).`));
      await queryClient.invalidateQueries({ queryKey: trpc.vendor.imports.pathKey() });
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-6">
      <form
        className="flex flex-wrap items-center gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          void upload(e.currentTarget);
        }}
      >
        <input type="file" name="file" accept=".csv,text/csv" required aria-label="CSV file" className="text-sm" />
        <button type="submit" disabled={busy} className="rounded bg-zinc-900 px-4 py-2 text-sm text-white dark:bg-zinc-100 dark:text-zinc-900">
          {busy ? "Uploading…" : "Import"}
        </button>
        <a className="text-sm underline" href="/api/products/export">Export products (CSV)</a>
      </form>
      <p className="text-xs text-zinc-500">
        Columns: sku, title, description, category, price, currency, status, warehouse, on_hand — one line per product and warehouse; on_hand is set, not added.
      </p>
      {message ? <p role="status" className="text-sm">{message}</p> : null}
      {imports.error ? (
        <EmptyState tone="error" title="Imports unavailable" description={imports.error.message} />
      ) : (
        <ul className="space-y-3">
          {imports.data?.map((i) => (
            <li key={i.id} className="rounded border border-zinc-200 p-3 dark:border-zinc-800">
              <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
                <span className="font-medium">{i.fileName}</span>
                <Badge tone={i.status === "done" ? "success" : i.status === "failed" ? "danger" : "brand"}>{i.status}</Badge>
              </div>
              <ProgressBar className="mt-2" percent={i.percent} name={`Progress of ${i.fileName}`} />
              <div className="mt-1 flex flex-wrap gap-3 text-xs text-zinc-500">
                <span>{i.processedRows.toLocaleString("en")} / {i.totalRows.toLocaleString("en")} rows · {i.percent}%</span>
                {i.errorRows > 0 ? (
                  <a className="text-red-600 underline" href={`/api/imports/${i.id}/errors`}>{i.errorRows} row(s) with errors — download</a>
                ) : null}
                {i.failure ? <span className="text-red-600">{i.failure}</span> : null}
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
