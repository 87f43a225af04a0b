"use client";

import type { RouterOutputs } from "@agora/api";
import { useTRPC } from "@agora/trpc-next/react";
import { Badge, Card, EmptyState, FormError, Table, type Column } from "@agora/ui";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

type Staff = RouterOutputs["vendor"]["staff"]["list"];
type Member = Staff["members"][number];
type Invitation = Staff["invitations"][number];

const input =
  "rounded border border-zinc-300 px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900";
const button =
  "rounded-md border border-zinc-300 px-2 py-1 text-sm hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800";
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The owner's staff page: members, open invitations, invite by e-mail, remove with confirm. */
export function StaffBoard({ selfUserId }: { selfUserId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const staff = useQuery(trpc.vendor.staff.list.queryOptions());
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.vendor.staff.pathKey() });
  const settled = (text: string) => ({
    onSuccess: async () => {
      setError(null);
      setMessage(text);
      setConfirming(null);
      await refresh();
    },
    onError: (err: { message: string }) => {
      setMessage(null);
      setError(err.message);
    },
  });
  const invite = useMutation(trpc.vendor.staff.invite.mutationOptions(settled("Invitation sent.")));
  const revoke = useMutation(
    trpc.vendor.staff.revokeInvite.mutationOptions(settled("Invitation withdrawn.")),
  );
  const remove = useMutation(
    trpc.vendor.staff.remove.mutationOptions(settled("Removed; their sessions have ended.")),
  );

  if (staff.isPending) return <p className="text-sm text-zinc-500">Loading staff…</p>;
  if (staff.isError)
    return <EmptyState tone="error" title="Staff unavailable" description={staff.error.message} />;

  const members: Column<Member>[] = [
    {
      key: "who",
      header: "Member",
      cell: (m) => (
        <div>
          <div className="font-medium">{m.name}</div>
          <div className="text-xs text-zinc-500">{m.email}</div>
        </div>
      ),
    },
    {
      key: "role",
      header: "Role",
      cell: (m) => (
        <Badge tone={m.role === "vendor_owner" ? "brand" : "neutral"}>
          {m.role === "vendor_owner" ? "owner" : "staff"}
        </Badge>
      ),
    },
    { key: "since", header: "Since", hideOnMobile: true, cell: (m) => day(m.since) },
    {
      key: "actions",
      header: "",
      cell: (m) =>
        m.role !== "vendor_staff" || m.userId === selfUserId ? null : confirming === m.userId ? (
          <span className="flex gap-1">
            <button
              type="button"
              className={`${button} text-rose-700`}
              disabled={remove.isPending}
              onClick={() => remove.mutate({ userId: m.userId })}
            >
              Yes, remove {m.name}
            </button>
            <button type="button" className={button} onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className={button} onClick={() => setConfirming(m.userId)}>
            Remove
          </button>
        ),
    },
  ];
  const invitations: Column<Invitation>[] = [
    { key: "email", header: "Invited", cell: (i) => i.email },
    { key: "sent", header: "Sent", hideOnMobile: true, cell: (i) => day(i.createdAt) },
    {
      key: "expires",
      header: "Expires",
      cell: (i) => (i.expired ? <Badge tone="warning">expired</Badge> : day(i.expiresAt)),
    },
    {
      key: "actions",
      header: "",
      cell: (i) => (
        <button
          type="button"
          className={button}
          disabled={revoke.isPending}
          onClick={() => revoke.mutate({ invitationId: i.id })}
        >
          Withdraw
        </button>
      ),
    },
  ];

  return (
    <div className="space-y-6">
      <Card title="Invite staff">
        <form
          className="flex flex-wrap items-center gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            const form = e.currentTarget;
            const email = String(new FormData(form).get("email") ?? "");
            invite.mutate({ email }, { onSuccess: () => form.reset() });
          }}
        >
          <input
            name="email"
            type="email"
            required
            placeholder="name@example.com"
            aria-label="E-mail to invite"
            className={`${input} min-w-64`}
          />
          <button type="submit" className={button} disabled={invite.isPending}>
            {invite.isPending ? "Sending…" : "Send invitation"}
          </button>
        </form>
        <p className="mt-2 text-xs text-zinc-500">
          They get a link that works once, for 7 days, and join as staff (products, stock, orders;
          no money, settings or staff).
        </p>
      </Card>
      <FormError>{error}</FormError>
      {message ? (
        <p role="status" className="text-sm text-emerald-700">
          {message}
        </p>
      ) : null}
      <Card title="Members">
        <Table columns={members} rows={staff.data.members} rowKey={(m) => m.userId} />
      </Card>
      <Card title="Pending invitations">
        <Table
          columns={invitations}
          rows={staff.data.invitations}
          rowKey={(i) => i.id}
          empty={<p className="text-sm text-zinc-500">No open invitations.</p>}
        />
      </Card>
    </div>
  );
}
