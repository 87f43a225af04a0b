"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, Card, EmptyState } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";

const BUTTON =
  "min-h-10 rounded-md px-3 text-sm font-medium ring-1 ring-inset disabled:opacity-50 transition-colors";
const DANGER = `${BUTTON} bg-rose-600 text-white ring-rose-600 hover:bg-rose-700`;
const PLAIN = `${BUTTON} bg-white text-zinc-800 ring-zinc-300 hover:bg-zinc-50 dark:bg-zinc-900 dark:text-zinc-100 dark:ring-zinc-700`;
const INPUT =
  "min-h-10 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";

function useChaos() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const overview = useQuery({
    ...trpc.ops.chaos.overview.queryOptions(),
    refetchInterval: 2_000,
    retry: false,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.ops.chaos.pathKey() });
  const apply = useMutation(trpc.ops.chaos.inject.mutationOptions({ onSettled: refresh }));
  const undo = useMutation(trpc.ops.chaos.undo.mutationOptions({ onSettled: refresh }));
  return { overview, apply, undo };
}

export function ChaosBoard() {
  const { overview, apply, undo } = useChaos();
  if (overview.isPending) return <p className="text-sm text-zinc-500">Loading…</p>;
  if (!overview.data)
    return (
      <EmptyState
        tone="error"
        title="Chaos controls unavailable"
        description={overview.error?.message ?? "no data"}
      />
    );
  const o = overview.data;
  const groups = [...new Set(o.targets.map((x) => x.group))];
  const busy = apply.isPending || undo.isPending;

  return (
    <div className="space-y-6">
      {apply.error ? <Badge tone="danger">{apply.error.message}</Badge> : null}

      <Card
        title="Processes"
        description="Kill = SIGKILL, left down until you restart it. Crash = SIGKILL that the supervisor heals (restart with backoff). Pause = SIGSTOP (a frozen VM or a long GC pause)."
      >
        <div className="grid gap-4 md:grid-cols-2">
          {groups.map((g) => (
            <div key={g}>
              <h3 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
                {g}
              </h3>
              <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {o.targets
                  .filter((x) => x.group === g)
                  .map((x) => (
                    <li
                      key={x.name}
                      data-testid={`target-${x.name}`}
                      className="flex flex-wrap items-center gap-2 py-2"
                    >
                      <span className="font-mono text-sm">{x.name}</span>
                      <Badge tone={!x.running ? "danger" : x.paused ? "warning" : "success"}>
                        {!x.running ? "down" : x.paused ? "paused" : "running"}
                      </Badge>
                      <span className="ml-auto flex gap-1">
                        {x.running && !x.paused ? (
                          <>
                            <button
                              type="button"
                              className={DANGER}
                              disabled={busy}
                              onClick={() =>
                                apply.mutate({ kind: "node", target: x.name, action: "kill" })
                              }
                            >
                              Kill
                            </button>
                            {x.kind !== "postgres" ? (
                              <button
                                type="button"
                                className={DANGER}
                                disabled={busy}
                                title="SIGKILL; the supervisor restarts it"
                                onClick={() =>
                                  apply.mutate({ kind: "node", target: x.name, action: "crash" })
                                }
                              >
                                Crash
                              </button>
                            ) : null}
                            <button
                              type="button"
                              className={PLAIN}
                              disabled={busy}
                              onClick={() =>
                                apply.mutate({ kind: "node", target: x.name, action: "pause" })
                              }
                            >
                              Pause
                            </button>
                          </>
                        ) : (
                          <button
                            type="button"
                            className={PLAIN}
                            disabled={busy}
                            onClick={() =>
                              apply.mutate({
                                kind: "node",
                                target: x.name,
                                action: x.paused ? "resume" : "restart",
                              })
                            }
                          >
                            {x.paused ? "Resume" : "Restart"}
                          </button>
                        )}
                      </span>
                    </li>
                  ))}
              </ul>
            </div>
          ))}
        </div>
      </Card>

      <div className="grid gap-6 md:grid-cols-2">
        <ProviderFaultForm
          current={o.provider}
          busy={busy}
          onApply={(target, fault) => apply.mutate({ kind: "provider", target, fault })}
        />
        <LinkFaultForm
          links={o.links}
          busy={busy}
          onApply={(target, fault) => apply.mutate({ kind: "db-link", target, fault })}
        />
      </div>

      <Card title="History" description="Newest first. Undo restores what was there before.">
        {o.history.length === 0 ? (
          <p className="text-sm text-zinc-500">Nothing injected yet.</p>
        ) : (
          <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {o.history.map((h) => (
              <li key={h.id} className="flex flex-wrap items-center gap-2 py-2">
                <span className="font-mono">{h.summary}</span>
                <span className="text-xs text-zinc-500">
                  {new Date(h.startedAt).toLocaleTimeString("en-GB")}
                </span>
                {h.undoneAt ? (
                  <Badge tone="neutral">
                    undone {new Date(h.undoneAt).toLocaleTimeString("en-GB")}
                  </Badge>
                ) : (
                  <button
                    type="button"
                    className={`${PLAIN} ml-auto`}
                    disabled={busy}
                    onClick={() => undo.mutate({ id: BigInt(h.id) })}
                  >
                    Undo
                  </button>
                )}
                {h.undoError ? <Badge tone="danger">{h.undoError}</Badge> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function ProviderFaultForm({
  current,
  busy,
  onApply,
}: {
  current: { latencyMs: number; errorRate: number; outage: boolean; scope: string } | null;
  busy: boolean;
  onApply: (
    target: "payments" | "carrier" | "all",
    fault: { latencyMs: number; errorRate: number; outage: boolean },
  ) => void;
}) {
  const [target, setTarget] = useState<"payments" | "carrier" | "all">("payments");
  const [latencyMs, setLatency] = useState(0);
  const [errorRate, setErrorRate] = useState(0);
  return (
    <Card title="Payment provider and carrier" description="Faults inside the simulated providers.">
      <p className="mb-3 text-xs text-zinc-500" data-testid="provider-state">
        {current === null
          ? "simulator not reachable"
          : current.outage
            ? `OUTAGE (${current.scope})`
            : current.latencyMs || current.errorRate
              ? `latency ${current.latencyMs} ms, error rate ${current.errorRate} (${current.scope})`
              : "healthy"}
      </p>
      <div className="grid grid-cols-2 gap-2 text-sm">
        <label className="col-span-2">
          Scope
          <select
            className={INPUT}
            value={target}
            onChange={(e) => setTarget(e.target.value as typeof target)}
          >
            <option value="payments">payments</option>
            <option value="carrier">carrier</option>
            <option value="all">both</option>
          </select>
        </label>
        <NumberField label="Latency (ms)" max={60000} value={latencyMs} onChange={setLatency} />
        <NumberField
          label="Error rate (0–1)"
          max={1}
          step={0.05}
          value={errorRate}
          onChange={setErrorRate}
        />
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        <button
          type="button"
          className={PLAIN}
          disabled={busy}
          onClick={() => onApply(target, { latencyMs, errorRate, outage: false })}
        >
          Inject latency / errors
        </button>
        <button
          type="button"
          className={DANGER}
          disabled={busy}
          onClick={() => onApply(target, { latencyMs: 0, errorRate: 0, outage: true })}
        >
          Take {target === "all" ? "both" : target} down
        </button>
      </div>
    </Card>
  );
}

function LinkFaultForm({
  links,
  busy,
  onApply,
}: {
  links:
    | {
        cluster: string;
        fault: { latencyMs: number; dropRate: number; blackhole: boolean };
        stats: { open: number; dropped: number };
      }[]
    | null;
  busy: boolean;
  onApply: (
    cluster: string,
    fault: { latencyMs: number; dropRate: number; blackhole: boolean },
  ) => void;
}) {
  const [cluster, setCluster] = useState("core");
  const [latencyMs, setLatency] = useState(200);
  const [dropRate, setDropRate] = useState(0);
  return (
    <Card
      title="App → database links"
      description="TCP fault proxy between the apps and each cluster's primary."
    >
      {links === null ? (
        <p className="text-xs text-zinc-500">fault proxy not running</p>
      ) : (
        <ul className="mb-3 space-y-1 text-xs">
          {links.map((l) => (
            <li key={l.cluster} className="flex gap-2">
              <span className="font-mono">{l.cluster}</span>
              <span className="text-zinc-500">
                {l.fault.blackhole
                  ? "black hole"
                  : l.fault.latencyMs || l.fault.dropRate
                    ? `+${l.fault.latencyMs} ms, drop ${l.fault.dropRate}`
                    : "clean"}{" "}
                · {l.stats.open} open · {l.stats.dropped} dropped
              </span>
            </li>
          ))}
        </ul>
      )}
      <div className="grid grid-cols-2 gap-2 text-sm">
        <label className="col-span-2">
          Cluster
          <select className={INPUT} value={cluster} onChange={(e) => setCluster(e.target.value)}>
            {(links ?? []).map((l) => (
              <option key={l.cluster} value={l.cluster}>
                {l.cluster}
              </option>
            ))}
          </select>
        </label>
        <NumberField label="Latency (ms)" max={30000} value={latencyMs} onChange={setLatency} />
        <NumberField
          label="Drop rate (0–1)"
          max={1}
          step={0.05}
          value={dropRate}
          onChange={setDropRate}
        />
      </div>
      <div className="mt-3 flex flex-wrap gap-2">
        <button
          type="button"
          className={PLAIN}
          disabled={busy || links === null}
          onClick={() => onApply(cluster, { latencyMs, dropRate, blackhole: false })}
        >
          Degrade link
        </button>
        <button
          type="button"
          className={DANGER}
          disabled={busy || links === null}
          onClick={() => onApply(cluster, { latencyMs: 0, dropRate: 0, blackhole: true })}
        >
          Cut link
        </button>
      </div>
    </Card>
  );
}

/** A labelled non-negative number input of the fault forms. */
function NumberField({
  label,
  max,
  step,
  value,
  onChange,
}: {
  label: string;
  max: number;
  step?: number;
  value: number;
  onChange: (v: number) => void;
}) {
  return (
    <label>
      {label}
      <input
        className={INPUT}
        type="number"
        min={0}
        max={max}
        step={step}
        value={value}
        onChange={(e) => onChange(Number(e.target.value))}
      />
    </label>
  );
}
