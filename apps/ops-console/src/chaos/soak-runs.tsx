"use client";

import { useQuery } from "@tanstack/react-query";
import type { RouterOutputs } from "@agora/api";
import { Badge, Card, EmptyState, Table } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";

type Run = RouterOutputs["ops"]["chaos"]["soakRuns"]["runs"][number];

/** The randomized fault soaks run against this deployment: what was broken, how much was checked, what broke. */
export function SoakRuns() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.ops.chaos.soakRuns.queryOptions());
  if (overview.error)
    return <EmptyState tone="error" title="Soak runs unavailable" description={overview.error.message} />;
  if (!overview.data) return <p className="text-sm text-zinc-500">Loading…</p>;
  const { runs } = overview.data;
  const failed = runs.filter((r) => r.violations.length > 0);
  return (
    <Card
      title="Fault soaks"
      description="npm run chaos:soak -- --rounds N --seed S: random faults under a mixed workload, the history checked against the invariants. Replay a run with its seed."
    >
      {runs.length === 0 ? (
        <EmptyState title="No soak has run here yet" description="Run npm run chaos:soak against this deployment." />
      ) : (
        <div className="space-y-3">
          <Table
            caption="Fault soak runs, newest first"
            rows={runs}
            rowKey={(r: Run) => r.at}
            columns={[
              { key: "at", header: "started (UTC)", cell: (r: Run) => new Date(r.at).toLocaleString("en-GB", { timeZone: "UTC" }) },
              { key: "rounds", header: "rounds", align: "right", cell: (r: Run) => r.rounds },
              { key: "faults", header: "faults", align: "right", cell: (r: Run) => r.faults },
              { key: "ops", header: "ops checked", align: "right", cell: (r: Run) => `${r.opsChecked} (${r.indeterminate} unknown)` },
              {
                key: "result",
                header: "violations",
                cell: (r: Run) => (
                  <Badge tone={r.violations.length ? "danger" : "success"}>
                    {r.violations.length ? `✖ ${r.violations.length}` : "✔ none"}
                  </Badge>
                ),
              },
              { key: "seed", header: "seed", align: "right", hideOnMobile: true, cell: (r: Run) => r.seed },
              { key: "kinds", header: "fault kinds", hideOnMobile: true, cell: (r: Run) => r.faultKinds.join(", ") },
            ]}
          />
          {failed.slice(0, 3).map((r) => (
            <div key={r.at} className="text-sm">
              <p className="font-medium">Violations of the run of {r.at} (seed {r.seed}):</p>
              <ul className="list-disc pl-5 text-zinc-600 dark:text-zinc-400">
                {r.violations.slice(0, 5).map((v) => (
                  <li key={`${v.check}-${v.detail}`} className="break-words">
                    {v.check}: {v.detail}
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
