"use client";

import { FormError, SubmitButton } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import { useMutation } from "@tanstack/react-query";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";

const input =
  "block min-h-11 w-full rounded-md border border-zinc-300 bg-white px-3 text-base dark:border-zinc-700 dark:bg-zinc-900";

/** Creates a shopper account, then signs in with it (the guest cart merges on the next request). */
export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const signUp = useMutation(trpc.auth.signUp.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    try {
      await signUp.mutateAsync({ email, name: String(form.get("name") ?? ""), password });
    } catch (err) {
      const e = err as { message: string; data?: { code?: string } };
      setError(
        e.data?.code === "BAD_REQUEST"
          ? "Check the fields: a valid email, your name, and a password of at least 8 characters."
          : `Could not create the account: ${e.message}`,
      );
      setPending(false);
      return;
    }
    const result = await signIn("credentials", { redirect: false, email, password });
    if (!result?.ok || result.error) {
      // Sign-up answers a new and an existing email alike; only this step can tell them apart,
      // so it says no more than a wrong password would (see packages/api/src/auth/sign-up.ts).
      setError(
        "We could not sign you in with this email and password. If you already have an account, sign in with its password.",
      );
      setPending(false);
      return;
    }
    router.replace(callbackUrl);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <label className="block space-y-1.5 text-sm font-medium">
        <span>Name</span>
        <input name="name" autoComplete="name" required maxLength={100} className={input} />
      </label>
      <label className="block space-y-1.5 text-sm font-medium">
        <span>Email</span>
        <input
          name="email"
          type="email"
          autoComplete="email"
          autoCapitalize="none"
          spellCheck={false}
          required
          className={input}
        />
      </label>
      <label className="block space-y-1.5 text-sm font-medium">
        <span>Password (8 characters or more)</span>
        <input
          name="password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          required
          className={input}
        />
      </label>
      <FormError>{error}</FormError>
      <SubmitButton
        pending={pending}
        label="Create account"
        pendingLabel="Creating your account…"
      />
    </form>
  );
}
