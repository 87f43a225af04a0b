"use client";

import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { RouterOutputs } from "@agora/api";
import { Badge, type BadgeTone, Card, Stat, StatGroup } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import { ConfirmDialog } from "../shell/confirm-dialog.tsx";

type Status = Extract<RouterOutputs["ops"]["regions"]["drill"], { available: true }>;
type Run = NonNullable<Status["failover"]>;
type Phase = Run["phases"][number];

const BUTTON =
  "min-h-10 w-full rounded-md bg-rose-600 px-4 text-sm font-semibold text-white hover:bg-rose-700 disabled:opacity-50 sm:w-auto";
const SECONDARY =
  "min-h-10 w-full rounded-md border border-zinc-300 px-4 text-sm font-medium hover:bg-zinc-50 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800 sm:w-auto";

const STATUS_TONE: Record<Run["status"], BadgeTone> = {
  running: "warning",
  passed: "success",
  failed: "danger",
  error: "danger",
  abandoned: "danger",
};
const PHASE_TONE: Record<Phase["state"], BadgeTone> = {
  pending: "neutral",
  active: "warning",
  done: "success",
  failed: "danger",
  skipped: "neutral",
};
const seconds = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? "–" : `${(ms / 1000).toFixed(1)} s`;

function Phases({ run, zero }: { run: Run; zero: string }) {
  return (
    <ol
      className="space-y-2"
      aria-label={`${run.kind} phases`}
      data-testid={`region-${run.kind}-phases`}
    >
      {run.phases.map((p) => (
        <li
          key={p.name}
          className="flex flex-wrap items-center justify-between gap-2 text-sm"
          data-phase={p.name}
          data-state={p.state}
        >
          <span className="flex min-w-0 items-center gap-2">
            <Badge tone={PHASE_TONE[p.state]}>
              {p.state === "active" ? "in progress" : p.state}
            </Badge>
            <span className="min-w-0">{p.label}</span>
          </span>
          <span className="tabular-nums text-zinc-500">
            {p.ms === null ? "" : `${zero} +${seconds(p.ms)}`}
          </span>
        </li>
      ))}
    </ol>
  );
}

function RunHeader({ run, title }: { run: Run; title: string }) {
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span className="font-medium">{title}</span>
      <Badge tone={STATUS_TONE[run.status]}>{run.status}</Badge>
      <span className="text-zinc-500">
        started {new Date(run.startedAt).toLocaleTimeString("en-GB")}
      </span>
    </div>
  );
}

function FailoverRun({ run }: { run: Run }) {
  const r = run.failover;
  return (
    <div className="space-y-4" data-testid="region-failover-run">
      <RunHeader run={run} title={`Failover drill: ${run.region} lost`} />
      <Phases run={run} zero="loss" />
      {run.status === "running" && (
        <p className="text-sm text-zinc-600 dark:text-zinc-400" role="status">
          Writes{" "}
          {run.writes
            ? `${run.writes.acked} acknowledged, ${run.writes.failed} failed`
            : "starting"}
          {run.live.rtoMs !== null
            ? ` · first write in us ${seconds(run.live.rtoMs)} after the loss`
            : ""}
        </p>
      )}
      {run.error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          {run.error}
        </p>
      )}
      {run.notes.map((n) => (
        <p key={n} className="text-sm text-amber-700 dark:text-amber-400">
          {n}
        </p>
      ))}
      {r && (
        <div data-testid="region-failover-report">
          <StatGroup>
            <Stat
              label="RTO"
              value={seconds(r.rtoMs)}
              hint={`detected ${seconds(r.detectedMs)} · promoted in ${seconds(r.promoteMs)}`}
            />
            <Stat
              label="RPO"
              value={`${r.rpoWrites} writes`}
              hint={`over the last ${seconds(r.rpoWindowMs)} of eu's acks · copy ${seconds(r.copyAgeAtLossMs)} behind`}
            />
            <Stat
              label="us workers ready"
              value={seconds(r.workersStartedMs)}
              hint={`storefront on the new primary ${seconds(r.storefrontRepointedMs)}`}
            />
            <Stat
              label="Commit p50"
              value={`${r.asyncCommitP50Ms ?? "–"} ms`}
              hint={`${r.syncCommitP50Ms ?? "–"} ms if eu waited for us (synchronous)`}
            />
          </StatGroup>
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
            {r.oldPrimary} → {r.newPrimary ?? "not promoted"}; {r.ackedWrites} writes acknowledged,{" "}
            {r.failedWrites} failed; eu's clients served by us after {seconds(r.euClientsMovedMs)} (
            {r.edgeErrors} errors at the edge);{" "}
            {r.splitBrain ? "two primaries took writes" : "one primary at a time"};{" "}
            {r.replicasConverged
              ? "every write us acknowledged is there"
              : "writes us acknowledged are missing"}
            .
          </p>
        </div>
      )}
      {run.status !== "running" && run.historyPending && (
        <p className="text-xs text-zinc-500">
          The drill history gets this run (with its operator) once core's primary in eu answers
          again, after the failback.
        </p>
      )}
    </div>
  );
}

function FailbackRun({ run }: { run: Run }) {
  const r = run.failback;
  return (
    <div className="space-y-4" data-testid="region-failback-run">
      <RunHeader run={run} title={`Failback to ${run.region}`} />
      <Phases run={run} zero="start" />
      {run.error && (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
          {run.error}
        </p>
      )}
      {r && (
        <p className="text-sm" role="status">
          {r.euPrimary} is core's primary again; the us copy was rebuilt in{" "}
          {seconds(r.standbyRebuiltMs)} ({seconds(r.totalMs)} in all); discarded from us:{" "}
          {r.discarded.orders ?? "?"} orders, {r.discarded.drillWrites ?? "?"} drill writes.
        </p>
      )}
      {run.log.length > 0 && (
        <pre className="max-h-48 overflow-auto whitespace-pre-wrap break-words rounded-md bg-zinc-100 p-2 text-xs dark:bg-zinc-800">
          {run.log.join("\n")}
        </pre>
      )}
    </div>
  );
}

/**
 * The region failover drill and its failback (ops:regions to start them). Its progress is read
 * from the console, not from core: the drill takes core — this console's database — away.
 */
export function RegionDrillPanel({
  canControl,
  coreRegion,
  promotedRegion,
}: {
  canControl: boolean;
  coreRegion: string;
  promotedRegion: string | null;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [asking, setAsking] = useState<"failover" | "failback" | null>(null);
  const status = useQuery({
    ...trpc.ops.regions.drill.queryOptions(),
    refetchInterval: (q) => {
      const d = q.state.data;
      const running =
        d?.available && (d.failover?.status === "running" || d.failback?.status === "running");
      return running ? 1_000 : 5_000;
    },
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.ops.regions.pathKey() });
  const failover = useMutation({
    ...trpc.ops.regions.startFailover.mutationOptions(),
    onSettled: () => {
      setAsking(null);
      refresh();
    },
  });
  const failback = useMutation({
    ...trpc.ops.regions.startFailback.mutationOptions(),
    onSettled: () => {
      setAsking(null);
      refresh();
    },
  });
  const data = status.data;
  if (!data) return null;
  if (!data.available) return null;
  const running = data.failover?.status === "running" || data.failback?.status === "running";
  // The newest run first: a failback follows the failover it resets.
  const failbackIsNewer =
    data.failback && (!data.failover || data.failback.startedAt > data.failover.startedAt);
  const lost = promotedRegion ? null : coreRegion;
  const canFailback = promotedRegion !== null || data.awaitsFailback;
  const error = failover.error ?? failback.error;
  return (
    <Card
      title="Region failover drill"
      description="Lose the region holding core's primary, promote the other's copy, measure RTO and RPO; then fail back."
    >
      <div className="space-y-4" data-testid="region-drill">
        <p className="text-sm" data-testid="core-holder">
          {promotedRegion ? (
            <>
              <Badge tone="warning">{promotedRegion} holds core's primary</Badge> eu's core is down
              until the failback.
            </>
          ) : (
            <>
              <Badge tone="success">{coreRegion} holds core's primary</Badge> the other region keeps
              a read-only copy.
            </>
          )}
        </p>
        {!canControl ? (
          <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
            Region drills need the ops:regions permission (admins).
          </p>
        ) : (
          <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap">
            <button
              type="button"
              className={BUTTON}
              disabled={running || lost === null}
              onClick={() => setAsking("failover")}
            >
              Start region failover drill…
            </button>
            <button
              type="button"
              className={SECONDARY}
              disabled={running || !canFailback}
              onClick={() => setAsking("failback")}
            >
              Fail back to eu…
            </button>
          </div>
        )}
        {error && (
          <p role="alert" className="text-sm text-rose-700 dark:text-rose-400">
            {error.message}
          </p>
        )}
        {failbackIsNewer && data.failback ? <FailbackRun run={data.failback} /> : null}
        {data.failover ? <FailoverRun run={data.failover} /> : null}
        {!failbackIsNewer && data.failback ? <FailbackRun run={data.failback} /> : null}
        {!data.failover && !data.failback && (
          <p className="text-sm text-zinc-500">
            No region drill started from the console yet (the CLI's are in the history below).
          </p>
        )}
      </div>

      <ConfirmDialog
        open={asking === "failover"}
        title={`Lose ${lost ?? coreRegion} and promote the copy of core?`}
        confirmLabel={`Kill ${lost ?? coreRegion}'s core and promote`}
        pending={failover.isPending}
        onCancel={() => setAsking(null)}
        onConfirm={() => lost && failover.mutate({ region: lost, confirm: true })}
      >
        <p>
          Every member of {lost ?? coreRegion}'s core is SIGKILLed and its storefronts and order
          workers are stopped. This console's own database goes with it: the tenant table and drill
          history show as unavailable until the failback; this panel keeps showing the drill.
        </p>
        <p>
          Once us sees eu's core gone, us's copy of core is promoted to primary (writes eu
          acknowledged that us had not received are lost: the RPO) and us starts its own order
          workers.
        </p>
        <p className="font-medium">
          eu stays down afterwards: run the failback to put it back (what us takes meanwhile is
          discarded).
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={asking === "failback"}
        title="Fail back to eu?"
        confirmLabel="Fail back"
        pending={failback.isPending}
        onCancel={() => setAsking(null)}
        onConfirm={() => failback.mutate({ confirm: true })}
      >
        <p>
          us's order workers, storefront and copy of core stop; eu's core starts again from its own
          data and elects a leader; us's copy is rebuilt from it (a fresh base backup over the link,
          about a minute); eu's storefronts and workers restart.
        </p>
        <p className="font-medium">
          Orders and writes us took while it held core's primary are discarded (counted first).
        </p>
      </ConfirmDialog>
    </Card>
  );
}
