"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RouterOutputs } from "@agora/api";
import { Badge, Card, EmptyState } from "@agora/ui";
import { TimeSeriesChart } from "@agora/ui/charts";
import { useTRPC } from "@agora/trpc-next/react";

type Overview = RouterOutputs["ops"]["alerts"]["overview"];
type FiringAlert = Overview["firing"][number];

const BUTTON =
  "min-h-10 rounded-md px-3 text-sm font-medium ring-1 ring-inset ring-zinc-300 hover:bg-zinc-50 disabled:opacity-50 dark:ring-zinc-700 dark:hover:bg-zinc-800";
const JOURNEY_COLORS: Record<string, string> = { browse: "#0ea5e9", checkout: "#e11d48", "vendor-stock": "#22c55e" };
const SILENCE_MINUTES = [15, 60, 240, 1440];

const at = (d: Date | string | null) => (d ? new Date(d).toISOString().replace("T", " ").slice(0, 19) : "—");
const pct = (x: number) => `${(x * 100).toFixed(x > -10 && x < 10 ? 1 : 0)} %`;
const rate = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)}x`;
/** Labels that identify an alert beyond its name and severity. */
const detail = (labels: Record<string, string>) =>
  Object.entries(labels).filter(([k]) => k !== "alertname" && k !== "severity");

export function AlertsBoard() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const overview = useQuery({ ...trpc.ops.alerts.overview.queryOptions(), refetchInterval: 5_000 });
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.ops.alerts.pathKey() });
  const ack = useMutation(trpc.ops.alerts.acknowledge.mutationOptions({ onSettled: refresh }));
  const silence = useMutation(trpc.ops.alerts.silence.mutationOptions({ onSettled: refresh }));
  const expire = useMutation(trpc.ops.alerts.expireSilence.mutationOptions({ onSettled: refresh }));
  const [minutes, setMinutes] = useState(60);

  if (!overview.data)
    return <p className="text-sm text-zinc-500">{overview.error?.message ?? "Loading…"}</p>;
  const o = overview.data;

  const silenceAlert = (a: FiringAlert) =>
    silence.mutate({
      // The alert's own labels: this condition on this series, nothing broader.
      matchers: Object.entries(a.labels).map(([name, value]) => ({ name, value, isRegex: false })),
      durationMinutes: minutes,
      comment: `silenced from the Alerts page: ${a.alertname}`,
    });

  return (
    <div className="space-y-6">
      <Card title="Firing" description="Refreshes every 5 s. Acknowledge to say you own it; silence to stop its notifications for a while.">
        <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
          <label htmlFor="silence-minutes" className="text-zinc-500">
            Silence for
          </label>
          <select
            id="silence-minutes"
            className="min-h-10 rounded-md bg-transparent px-2 ring-1 ring-inset ring-zinc-300 dark:ring-zinc-700"
            value={minutes}
            onChange={(e) => setMinutes(Number(e.target.value))}
          >
            {SILENCE_MINUTES.map((m) => (
              <option key={m} value={m}>
                {m < 60 ? `${m} min` : `${m / 60} h`}
              </option>
            ))}
          </select>
        </div>
        {o.firing.length === 0 ? (
          <EmptyState title="Nothing firing" description="Every rule's condition is false, or still pending its `for:` duration." />
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="firing-alerts">
            {o.firing.map((a) => (
              <li key={a.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between" data-testid="firing-alert">
                <div className="min-w-0">
                  <div className="flex flex-wrap items-center gap-2">
                    <Badge tone={a.severity === "page" ? "danger" : "warning"}>{a.severity}</Badge>
                    <span className="font-semibold">{a.alertname}</span>
                    {a.acknowledgedAt ? <Badge tone="neutral">acknowledged</Badge> : null}
                    {a.muted ? <Badge tone="neutral">{a.muted}</Badge> : null}
                  </div>
                  <p className="text-sm text-zinc-600 dark:text-zinc-400">{a.summary}</p>
                  <p className="break-all font-mono text-xs text-zinc-500">
                    {detail(a.labels).map(([k, v]) => `${k}=${v}`).join(" ")} · value {a.value.toFixed(2)} · since {at(a.firedAt)}
                  </p>
                </div>
                <div className="flex shrink-0 gap-2">
                  <button type="button" className={BUTTON} disabled={ack.isPending || a.acknowledgedAt !== null} onClick={() => ack.mutate({ alertId: a.id })}>
                    Acknowledge
                  </button>
                  <button type="button" className={BUTTON} disabled={silence.isPending} onClick={() => silenceAlert(a)}>
                    Silence
                  </button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="Service level objectives" description="99.9 % of requests per journey succeed over 30 days. A page needs both windows of a pair above its burn rate.">
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="slo-table">
            <thead className="text-left text-xs text-zinc-500">
              <tr>
                <th className="py-1">journey</th>
                <th>budget left (30 d)</th>
                {o.slos[0]?.windows.map((w) => (
                  <th key={w.id} className="whitespace-nowrap">
                    {w.long}/{w.short} ≥ {w.factor}x
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {o.slos.map((s) => (
                <tr key={s.journey} className="border-t border-zinc-100 dark:border-zinc-800">
                  <td className="py-1.5">
                    <div className="font-medium">{s.journey}</div>
                    <div className="text-xs text-zinc-500">
                      {s.periodBadEvents} bad of {s.periodEvents}
                    </div>
                  </td>
                  <td className={s.budgetRemaining < 0.25 ? "font-semibold text-rose-600" : ""}>{pct(s.budgetRemaining)}</td>
                  {s.windows.map((w) => {
                    const burning = w.longBurnRate > w.factor && w.shortBurnRate > w.factor;
                    return (
                      <td key={w.id} className={`whitespace-nowrap ${burning ? "font-semibold text-rose-600" : ""}`}>
                        {rate(w.longBurnRate)} / {rate(w.shortBurnRate)}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="mt-4">
          <h3 className="mb-1 text-xs font-semibold text-zinc-500">Burn rate, 5-minute buckets, last 6 h (1x uses the budget exactly in 30 d)</h3>
          <TimeSeriesChart
            data={burnRows(o.burn)}
            series={o.burn.map((b) => ({ key: b.journey, label: b.journey, color: JOURNEY_COLORS[b.journey] ?? "#71717a" }))}
            unit="x"
          />
        </div>
      </Card>

      <Card title="On-call inbox" description="Every routed notification (grouped by alert name and journey, cluster or queue), and its webhook delivery.">
        {o.inbox.length === 0 ? (
          <EmptyState title="Inbox empty" description="No alert has fired yet." />
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="inbox">
            {o.inbox.map((n) => (
              <li key={n.id} className="py-2 text-sm">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={n.status === "firing" ? "danger" : "success"}>{n.status}</Badge>
                  <span className="font-medium">{Object.values(n.groupLabels).join(" · ")}</span>
                  <span className="text-xs text-zinc-500">{at(n.createdAt)}</span>
                  <span className="text-xs text-zinc-500">
                    webhook: {n.webhookState}
                    {n.webhookAttempts > 0 ? ` (${n.webhookAttempts} attempts)` : ""}
                  </span>
                </div>
                <ul className="ml-1 mt-1 text-xs text-zinc-600 dark:text-zinc-400">
                  {n.alerts.map((a, i) => (
                    <li key={i} className="break-all">
                      {a.summary} — {detail(a.labels).map(([k, v]) => `${k}=${v}`).join(" ")}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="Silences" description="Active silences and those that ended in the last 24 h.">
        {o.silences.length === 0 ? (
          <p className="text-sm text-zinc-500">No silences.</p>
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="silences">
            {o.silences.map((s) => (
              <li key={s.id} className="flex flex-col gap-2 py-2 text-sm sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0">
                  <Badge tone={s.active ? "warning" : "neutral"}>{s.active ? "active" : "ended"}</Badge>{" "}
                  <span className="break-all font-mono text-xs">
                    {s.matchers.map((m) => `${m.name}${m.isRegex ? "=~" : "="}"${m.value}"`).join(", ")}
                  </span>
                  <div className="text-xs text-zinc-500">
                    until {at(s.endsAt)} · {s.comment}
                  </div>
                </div>
                {s.active ? (
                  <button type="button" className={BUTTON} disabled={expire.isPending} onClick={() => expire.mutate({ silenceId: s.id })}>
                    End now
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="Resolved" description="The latest alerts whose condition stopped holding.">
        {o.history.length === 0 ? (
          <p className="text-sm text-zinc-500">None yet.</p>
        ) : (
          <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
            {o.history.map((a) => (
              <li key={a.id} className="py-1.5">
                <span className="font-medium">{a.alertname}</span>{" "}
                <span className="break-all font-mono text-xs text-zinc-500">{detail(a.labels).map(([k, v]) => `${k}=${v}`).join(" ")}</span>
                <div className="text-xs text-zinc-500">
                  {at(a.firedAt)} → {at(a.resolvedAt)}
                </div>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

/** One chart row per bucket with each journey's burn rate (null where it had no traffic). */
function burnRows(burn: Overview["burn"]) {
  type Row = { t: number } & Record<string, number | null>;
  const rows = new Map<number, Row>();
  for (const b of burn)
    for (const p of b.points) {
      const row: Row = rows.get(p.t) ?? ({ t: p.t } as Row);
      row[b.journey] = p.burnRate;
      rows.set(p.t, row);
    }
  return [...rows.values()].sort((a, b) => a.t - b.t);
}
