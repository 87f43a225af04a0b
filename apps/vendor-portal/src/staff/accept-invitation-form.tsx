"use client";

import { useTRPC } from "@agora/trpc-next/react";
import { FormError, SubmitButton } from "@agora/ui";
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";

const field =
  "w-full rounded-md border border-zinc-300 px-3 py-2 text-base dark:border-zinc-700 dark:bg-zinc-900";

/** Accepts an invitation: a new account (name + password) or an existing one (its password). */
export function AcceptInvitationForm({
  token,
  email,
  existingAccount,
}: {
  token: string;
  email: string;
  existingAccount: boolean;
}) {
  const trpc = useTRPC();
  const accept = useMutation(trpc.invitations.accept.mutationOptions());
  if (accept.isSuccess)
    return (
      <div role="status" className="space-y-3">
        <p>You are now staff of this shop.</p>
        <Link
          href={`/signin?callbackUrl=${encodeURIComponent("/")}`}
          className="inline-block rounded-md bg-brand-600 px-4 py-2 text-white"
        >
          Sign in as {accept.data.email}
        </Link>
      </div>
    );
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        accept.mutate({
          token,
          name: String(f.get("name") ?? email),
          password: String(f.get("password") ?? ""),
        });
      }}
    >
      <p className="text-sm text-zinc-600 dark:text-zinc-300">
        {existingAccount
          ? `${email} already has an Agora account: enter its password to accept.`
          : `Create your account for ${email}.`}
      </p>
      {existingAccount ? (
        <input type="hidden" name="name" value={email} />
      ) : (
        <label className="block text-sm">
          Your name
          <input name="name" required maxLength={100} autoComplete="name" className={field} />
        </label>
      )}
      <label className="block text-sm">
        Password
        <input
          name="password"
          type="password"
          required
          minLength={8}
          autoComplete={existingAccount ? "current-password" : "new-password"}
          className={field}
        />
      </label>
      <FormError>{accept.error?.message}</FormError>
      <SubmitButton
        pending={accept.isPending}
        label="Accept invitation"
        pendingLabel="Accepting…"
      />
    </form>
  );
}
