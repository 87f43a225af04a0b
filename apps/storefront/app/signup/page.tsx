import { ProviderSignIn, safeCallbackUrl } from "@agora/auth/react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentSession } from "../../src/auth/session.ts";

export const metadata: Metadata = { title: "Create an account" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = (await searchParams).callbackUrl;
  const callbackUrl = safeCallbackUrl(Array.isArray(raw) ? raw[0] : raw);
  if (await currentSession()) redirect(callbackUrl);
  return (
    <main className="flex min-h-dvh items-start justify-center px-4 py-10 sm:items-center">
      <div className="w-full max-w-sm">
        <a
          href="/"
          className="text-lg font-semibold tracking-tight text-brand-600 dark:text-brand-500"
        >
          Agora
        </a>
        <div className="mt-4 rounded-xl border border-zinc-200 bg-white p-5 shadow-sm sm:p-6 dark:border-zinc-800 dark:bg-zinc-900">
          <h1 className="text-xl font-semibold">Create an account</h1>
          <p className="mt-1 mb-5 text-sm text-zinc-600 dark:text-zinc-400">
            Your account is created at Agora's sign-in, and your cart comes with you. Already have
            an account?{" "}
            <a
              className="underline"
              href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`}
            >
              Sign in
            </a>
          </p>
          <ProviderSignIn
            callbackUrl={callbackUrl}
            auto
            screen="signup"
            label="Continue to create your account"
          />
        </div>
      </div>
    </main>
  );
}
