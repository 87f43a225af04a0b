"use client";

import type { RouterOutputs } from "@agora/api";
import { useTRPC } from "@agora/trpc-next/react";
import { Badge, Card, EmptyState, FormError, Table, type Column } from "@agora/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

type ApiKey = RouterOutputs["vendor"]["apiKeys"]["list"][number];

const SCOPES = [
  { scope: "stock:read", label: "Read stock and warehouses" },
  { scope: "stock:write", label: "Set stock" },
  { scope: "orders:read", label: "Read orders" },
] as const;

const input =
  "rounded border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";
const button =
  "rounded-md border border-zinc-300 px-2 py-1 text-sm hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800";
const when = (d: Date | null) => (d ? d.toISOString().slice(0, 16).replace("T", " ") : "never");

/** The owner's API keys: create (the key is shown once), see last use, revoke with confirm. */
export function ApiKeyBoard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useQuery(trpc.vendor.apiKeys.list.queryOptions());
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.vendor.apiKeys.pathKey() });
  const create = useMutation(
    trpc.vendor.apiKeys.create.mutationOptions({
      onSuccess: async (r) => {
        setError(null);
        setCreated({ name: r.apiKey.name, key: r.key });
        await refresh();
      },
      onError: (err) => setError(err.message),
    }),
  );
  const revoke = useMutation(
    trpc.vendor.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        setError(null);
        setConfirming(null);
        await refresh();
      },
      onError: (err) => setError(err.message),
    }),
  );

  const columns: Column<ApiKey>[] = [
    {
      key: "name",
      header: "Key",
      cell: (k) => (
        <div>
          <div className="font-medium">{k.name}</div>
          <code className="text-xs text-zinc-500">{k.prefix}</code>
        </div>
      ),
    },
    {
      key: "scopes",
      header: "Scopes",
      cell: (k) => (
        <span className="flex flex-wrap gap-1">
          {k.scopes.map((s) => (
            <Badge key={s} tone="neutral">
              {s}
            </Badge>
          ))}
        </span>
      ),
    },
    { key: "rate", header: "Per minute", hideOnMobile: true, cell: (k) => k.rateLimitPerMinute },
    { key: "used", header: "Last used", hideOnMobile: true, cell: (k) => when(k.lastUsedAt) },
    {
      key: "actions",
      header: "",
      cell: (k) =>
        k.revokedAt ? (
          <Badge tone="warning">revoked {when(k.revokedAt)}</Badge>
        ) : confirming === k.id ? (
          <span className="flex flex-wrap gap-1">
            <button
              type="button"
              className={`${button} text-rose-700`}
              disabled={revoke.isPending}
              onClick={() => revoke.mutate({ keyId: k.id })}
            >
              Yes, revoke {k.name}
            </button>
            <button type="button" className={button} onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className={button} onClick={() => setConfirming(k.id)}>
            Revoke
          </button>
        ),
    },
  ];

  return (
    <div className="space-y-6">
      <Card title="Create a key">
        <form
          className="flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-end"
          onSubmit={(e) => {
            e.preventDefault();
            const data = new FormData(e.currentTarget);
            create.mutate({
              name: String(data.get("name") ?? ""),
              scopes: data.getAll("scopes").map(String) as ApiKey["scopes"],
              rateLimitPerMinute: Number(data.get("rate") ?? 120),
            });
          }}
        >
          <label className="flex flex-col gap-1 text-sm">
            Name
            <input name="name" required maxLength={80} placeholder="ERP sync" className={input} />
          </label>
          <fieldset className="flex flex-col gap-1 text-sm">
            <legend className="mb-1">Scopes</legend>
            {SCOPES.map((s) => (
              <label key={s.scope} className="flex items-center gap-2">
                <input
                  type="checkbox"
                  name="scopes"
                  value={s.scope}
                  defaultChecked={s.scope === "stock:read"}
                />
                {s.label} <code className="text-xs text-zinc-500">{s.scope}</code>
              </label>
            ))}
          </fieldset>
          <label className="flex flex-col gap-1 text-sm">
            Requests per minute
            <input
              name="rate"
              type="number"
              min={1}
              max={6000}
              defaultValue={120}
              className={`${input} w-28`}
            />
          </label>
          <button type="submit" className={button} disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create key"}
          </button>
        </form>
      </Card>
      <FormError>{error}</FormError>
      {created ? (
        <Card title={`Your new key “${created.name}”`}>
          <p className="text-sm">Copy it now: it is shown only once and cannot be recovered.</p>
          <code
            aria-label="New API key"
            className="mt-2 block break-all rounded bg-zinc-100 p-2 text-xs dark:bg-zinc-800"
          >
            {created.key}
          </code>
          <button type="button" className={`${button} mt-2`} onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </Card>
      ) : null}
      <Card title="Keys">
        {keys.isPending ? (
          <p className="text-sm text-zinc-500">Loading keys…</p>
        ) : keys.isError ? (
          <EmptyState tone="error" title="Keys unavailable" description={keys.error.message} />
        ) : (
          <Table
            columns={columns}
            rows={keys.data}
            rowKey={(k) => k.id}
            empty={<p className="text-sm text-zinc-500">No keys yet.</p>}
          />
        )}
      </Card>
    </div>
  );
}
