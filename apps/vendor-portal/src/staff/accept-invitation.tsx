"use client";

import type { RouterOutputs } from "@agora/api";
import { ProviderSignIn, SignOutButton } from "@agora/auth/react";
import { useTRPC } from "@agora/trpc-next/react";
import { FormError, SubmitButton } from "@agora/ui";
import { useMutation } from "@tanstack/react-query";

const field =
  "w-full rounded-md border border-zinc-300 px-3 py-2 text-base dark:border-zinc-700 dark:bg-zinc-900";
const hint = "text-sm text-zinc-600 dark:text-zinc-300";

type Invitation = RouterOutputs["invitations"]["get"];

interface InvitationProps {
  token: string;
  email: string;
  shop: string;
}

/**
 * The open invitation's next step. An address that already has an account signs in as it at
 * Agora's sign-in (back to this page) and accepts with that session; its password is never typed
 * here. A new address creates its account here (a sign-up) and then signs in.
 */
export function AcceptInvitation({
  existingAccount,
  viewer,
  ...invitation
}: InvitationProps & Pick<Invitation, "existingAccount" | "viewer">) {
  if (!existingAccount) return <SignUpForInvitation {...invitation} />;
  if (viewer === "invitee") return <AcceptAsInvitee {...invitation} />;
  if (viewer === "another-account") return <SignedInAsAnotherAccount {...invitation} />;
  return (
    <div className="space-y-4">
      <p className={hint}>
        {invitation.email} already has an Agora account. Sign in with it, then accept here.
      </p>
      <ProviderSignIn
        callbackUrl={`/invite/${invitation.token}`}
        auto={false}
        loginHint={invitation.email}
        label={`Sign in as ${invitation.email} to accept`}
      />
    </div>
  );
}

function AcceptAsInvitee({ token, email, shop }: InvitationProps) {
  const trpc = useTRPC();
  const accept = useMutation(trpc.invitations.accept.mutationOptions());
  // Accepting ended this session (a role change moves the session epoch on): sign in again.
  if (accept.isSuccess) return <Joined email={email} shop={shop} />;
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        accept.mutate({ token });
      }}
    >
      <p className={hint}>You are signed in as {email}.</p>
      <FormError>{accept.error?.message}</FormError>
      <SubmitButton
        pending={accept.isPending}
        label="Accept invitation"
        pendingLabel="Accepting…"
      />
    </form>
  );
}

function SignedInAsAnotherAccount({ token, email }: InvitationProps) {
  return (
    <div className="space-y-4">
      <div
        role="status"
        className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
      >
        <p>
          This invitation is for <strong>{email}</strong>; you are signed in as another account.
          Sign out first, or sign in as {email}.
        </p>
        <div className="mt-2">
          {/* The sign-out moves that account's session epoch on, which ends its session at the
              provider too; coming back here, the page offers the sign-in as the invitee. */}
          <SignOutButton provider={false} after={`/invite/${token}`} />
        </div>
      </div>
      <ProviderSignIn
        callbackUrl={`/invite/${token}`}
        auto={false}
        anotherAccount
        loginHint={email}
        label={`Sign in as ${email}`}
      />
    </div>
  );
}

function SignUpForInvitation({ token, email, shop }: InvitationProps) {
  const trpc = useTRPC();
  const signUp = useMutation(trpc.invitations.signUp.mutationOptions());
  if (signUp.isSuccess) return <Joined email={email} shop={shop} newAccount />;
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        signUp.mutate({
          token,
          name: String(f.get("name") ?? ""),
          password: String(f.get("password") ?? ""),
        });
      }}
    >
      <p className={hint}>Create your account for {email}.</p>
      <label className="block text-sm">
        Your name
        <input name="name" required maxLength={100} autoComplete="name" className={field} />
      </label>
      <label className="block text-sm">
        Password
        <input
          name="password"
          type="password"
          required
          minLength={8}
          autoComplete="new-password"
          className={field}
        />
      </label>
      <FormError>{signUp.error?.message}</FormError>
      <SubmitButton
        pending={signUp.isPending}
        label="Create account and accept"
        pendingLabel="Accepting…"
      />
    </form>
  );
}

/**
 * After accepting: the staff grant is in a new session only, so the way on is Agora's sign-in,
 * back to the portal. `newAccount`: the provider may hold someone else's session, so it asks.
 */
function Joined({
  email,
  shop,
  newAccount = false,
}: Omit<InvitationProps, "token"> & { newAccount?: boolean }) {
  return (
    <div role="status" className="space-y-3">
      <p>You are now staff of {shop}. Sign in as {email} to open the vendor portal.</p>
      <ProviderSignIn
        callbackUrl="/"
        auto={false}
        anotherAccount={newAccount}
        loginHint={email}
        label={`Sign in as ${email}`}
      />
    </div>
  );
}
