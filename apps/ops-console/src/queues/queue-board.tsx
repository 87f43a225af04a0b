"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, Card, EmptyState } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";

const SMALL =
  "min-h-9 rounded-md px-2 text-xs font-medium ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 disabled:opacity-50 dark:ring-zinc-700 dark:hover:bg-zinc-800";

const age = (ms: number | null) =>
  ms === null ? "—" : ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;

export function QueueBoard() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const queues = useQuery({ ...trpc.ops.queues.list.queryOptions(), refetchInterval: 2_000 });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.ops.queues.pathKey() });
  const retry = useMutation(trpc.ops.queues.retryFailed.mutationOptions({ onSettled: refresh }));
  const discard = useMutation(
    trpc.ops.queues.discardFailed.mutationOptions({ onSettled: refresh }),
  );
  const busy = retry.isPending || discard.isPending;

  return (
    <div className="space-y-6">
      <Card
        title="Queues"
        description="Refreshes every 2 s. Failed jobs can be retried (consumers are idempotent) or discarded."
      >
        {!queues.data ? (
          <p className="text-sm text-zinc-500">{queues.error?.message ?? "Loading…"}</p>
        ) : queues.data.length === 0 ? (
          <EmptyState
            title="No queues yet"
            description="Queues appear once a pool or producer has used them."
          />
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="queue-table">
              <thead className="text-left text-xs text-zinc-500">
                <tr>
                  <th className="py-1">queue</th>
                  <th>waiting</th>
                  <th>active</th>
                  <th>delayed</th>
                  <th>failed</th>
                  <th>done</th>
                  <th>oldest waiting</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {queues.data.map((q) => (
                  <tr key={q.name} className="border-t border-zinc-100 dark:border-zinc-800">
                    <td className="py-1.5 font-mono text-xs">
                      {q.name} {q.deadLetter ? <Badge tone="danger">dead letters</Badge> : null}
                    </td>
                    <td>{q.counts.waiting}</td>
                    <td>{q.counts.active}</td>
                    <td>{q.counts.delayed}</td>
                    <td className={q.counts.failed ? "font-semibold text-rose-600" : ""}>
                      {q.counts.failed}
                    </td>
                    <td className="text-zinc-500">{q.counts.completed}</td>
                    <td>{age(q.oldestWaitingAgeMs)}</td>
                    <td className="whitespace-nowrap text-right">
                      {q.counts.failed > 0 ? (
                        <span className="inline-flex gap-1">
                          <button
                            type="button"
                            className={SMALL}
                            disabled={busy}
                            onClick={() => retry.mutate({ queue: q.name })}
                          >
                            Retry failed
                          </button>
                          <button
                            type="button"
                            className={SMALL}
                            disabled={busy}
                            onClick={() => discard.mutate({ queue: q.name })}
                          >
                            Discard
                          </button>
                        </span>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      <SagaExplorer />
    </div>
  );
}

function SagaExplorer() {
  const trpc = useTRPC();
  const [orderId, setOrderId] = useState<string | null>(null);
  const recent = useQuery({
    ...trpc.ops.queues.recentSagas.queryOptions(),
    refetchInterval: 3_000,
  });
  const current = orderId ?? recent.data?.[0]?.id ?? null;
  const timeline = useQuery({
    ...trpc.ops.queues.sagaTimeline.queryOptions({
      orderId: current ?? "00000000-0000-4000-8000-000000000000",
    }),
    enabled: current !== null,
    refetchInterval: 2_000,
  });
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card title="Recent checkout sagas">
        <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
          {(recent.data ?? []).map((o) => (
            <li key={o.id}>
              <button
                type="button"
                onClick={() => setOrderId(o.id)}
                className="flex w-full flex-wrap items-center gap-2 py-2 text-left hover:bg-zinc-50 dark:hover:bg-zinc-800"
                aria-current={o.id === current ? "true" : undefined}
              >
                <span className="font-mono text-xs">{o.id.slice(0, 8)}</span>
                <Badge
                  tone={
                    o.status === "FAILED"
                      ? "danger"
                      : o.status === "READY_FOR_FULFILMENT"
                        ? "success"
                        : "warning"
                  }
                >
                  {o.status}
                </Badge>
                <span className="ml-auto text-xs text-zinc-500">
                  {new Date(o.createdAt).toLocaleTimeString("en-GB")}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </Card>
      <Card title={current ? `Saga of order ${current.slice(0, 8)}` : "Saga"}>
        <ol className="space-y-2 text-sm" data-testid="saga-timeline">
          {(timeline.data ?? []).map((e) => (
            <li key={e.version} className="flex flex-wrap items-baseline gap-2">
              <span className="w-6 text-right text-xs text-zinc-500">{e.version}</span>
              <Badge tone={e.compensation ? "danger" : "brand"}>{e.type}</Badge>
              <span className="text-xs text-zinc-500">+{e.afterMs} ms</span>
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
