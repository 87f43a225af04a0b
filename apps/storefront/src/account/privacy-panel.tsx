"use client";

import { Card, FormError, SubmitButton } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";

const input =
  "w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900";
const button =
  "inline-flex min-h-10 items-center rounded-md border border-zinc-300 px-3 text-sm font-medium hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800";
const date = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

/** "Download my data" with its progress and link, and "Delete my account" behind the password. */
export function PrivacyPanel() {
  const trpc = useTRPC();
  const requests = useQuery({
    ...trpc.privacy.requests.queryOptions(),
    // Poll while a job is at work; stop once nothing is queued or running.
    refetchInterval: (q) =>
      q.state.data?.some((r) => r.status === "queued" || r.status === "running") ? 1000 : false,
  });
  const requestExport = useMutation(trpc.privacy.requestExport.mutationOptions());
  const latestExport = requests.data?.find((r) => r.kind === "export");
  const busy = latestExport?.status === "queued" || latestExport?.status === "running";

  return (
    <div className="mt-8 grid gap-4 sm:grid-cols-2">
      <Card title="Your data" description="A JSON file of everything we hold about you: profile, addresses, orders, reviews, cart and notifications.">
        <button
          type="button"
          className={button}
          disabled={busy || requestExport.isPending}
          onClick={async () => {
            await requestExport.mutateAsync();
            await requests.refetch();
          }}
        >
          Download my data
        </button>
        <div className="mt-3 text-sm" data-testid="export-status">
          {busy ? (
            <>
              <progress className="w-full" max={100} value={latestExport.progress} aria-label="Export progress" />
              <span>Gathering your data… {latestExport.progress}%</span>
            </>
          ) : latestExport?.downloadPath ? (
            <span>
              <a className="underline" href={latestExport.downloadPath} download>
                Download the file
              </a>{" "}
              (available until {latestExport.expiresAt ? date.format(latestExport.expiresAt) : "soon"})
            </span>
          ) : latestExport?.status === "failed" ? (
            <span className="text-red-600">The export failed; please try again.</span>
          ) : null}
        </div>
      </Card>
      <DeleteAccountCard />
    </div>
  );
}

function DeleteAccountCard() {
  const trpc = useTRPC();
  const router = useRouter();
  const deleteAccount = useMutation(trpc.privacy.deleteAccount.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    const password = String(new FormData(e.currentTarget).get("password") ?? "");
    try {
      await deleteAccount.mutateAsync({ password });
    } catch (err) {
      const code = (err as { data?: { code?: string } }).data?.code;
      setError(code === "FORBIDDEN" ? "That password is not right." : "Could not delete the account; please try again.");
      return;
    }
    await signOut({ redirect: false });
    router.replace("/?account=deleted");
    router.refresh();
  }

  return (
    <Card
      title="Delete my account"
      description="Your name, e-mail and addresses are destroyed for good. Orders stay in our books without them; your reviews stay under “Deleted customer”."
    >
      {open ? (
        <form onSubmit={onSubmit} className="space-y-3">
          <label className="block space-y-1.5 text-sm font-medium">
            <span>Type your password to confirm</span>
            <input name="password" type="password" autoComplete="current-password" required className={input} />
          </label>
          <FormError>{error}</FormError>
          <SubmitButton pending={deleteAccount.isPending} label="Delete my account for good" pendingLabel="Deleting…" />
        </form>
      ) : (
        <button type="button" className={button} onClick={() => setOpen(true)}>
          Delete my account…
        </button>
      )}
    </Card>
  );
}
