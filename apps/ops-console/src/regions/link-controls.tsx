"use client";

import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@agora/trpc-next/react";
import { ActionButton } from "../shell/action-button.tsx";

const field = "min-h-10 w-24 rounded-md border border-zinc-300 bg-transparent px-2 text-sm dark:border-zinc-700";

const MODES = [
  { mode: "cut", label: "Cut the link", done: "Cut: nothing crosses; us refuses checkout, serves a stale catalogue." },
  { mode: "healthy", label: "Heal", done: "Healed: the us copy catches up (watch its age fall)." },
  { mode: "one-way", label: "One-way", done: "One-way: us → eu is swallowed, eu → us delivered." },
  { mode: "flaky", label: "Flaky", done: "Flaky: jitter, a quarter of new connections reset." },
] as const;

/** Partition controls (ops:regions): the same changes as `npm run region -- link …`. */
export function LinkControls() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [rttMs, setRttMs] = useState(80);
  const setLink = useMutation({
    ...trpc.ops.regions.setLink.mutationOptions(),
    onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.ops.regions.overview.queryKey() }),
  });
  const sent = setLink.variables;
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        {MODES.map((m) => (
          <button
            key={m.mode}
            type="button"
            disabled={setLink.isPending}
            onClick={() => setLink.mutate({ mode: m.mode })}
            className="min-h-10 rounded-md border border-zinc-300 px-3 text-sm font-medium hover:bg-zinc-50 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            {m.label}
          </button>
        ))}
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm">
          Round trip (ms)
          <input className={field} type="number" min={0} max={5000} value={rttMs} onChange={(e) => setRttMs(Number(e.target.value))} />
        </label>
        <ActionButton
          label="Set latency"
          pendingLabel="Changing…"
          action={setLink}
          onClick={() => setLink.mutate({ rttMs })}
          done={() =>
            sent?.mode
              ? (MODES.find((m) => m.mode === sent.mode)?.done ?? `Link ${sent.mode}.`)
              : `Round trip set to ${sent?.rttMs ?? rttMs} ms.`
          }
        />
      </div>
      <p className="text-xs text-zinc-500">
        Audited. The same as <code>npm run region -- link cut|heal|one-way|flaky|latency &lt;ms&gt;</code>.
      </p>
    </div>
  );
}
