import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ACCESS_LABEL, mayUseApp } from "../../src/auth/config.ts";
import { currentSession } from "../../src/auth/session.ts";
import { safeCallbackUrl, signInErrorMessage } from "../../src/auth/sign-in-errors.ts";
import { SignInForm } from "../../src/auth/sign-in-form.tsx";
import { SignOutButton } from "../../src/auth/sign-out-button.tsx";

export const metadata: Metadata = { title: "Sign in" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(first(params.callbackUrl));
  const error = first(params.error);
  const session = await currentSession();
  if (session && mayUseApp(session) && !error) redirect(callbackUrl);
  const wrongAccount = session !== null && !mayUseApp(session);

  return (
    <main className="flex min-h-dvh items-start justify-center px-4 py-10 sm:items-center">
      <div className="w-full max-w-sm">
        <a
          href="/"
          className="text-lg font-semibold tracking-tight text-brand-600 dark:text-brand-500"
        >
          Agora Vendors
        </a>
        <div className="mt-4 rounded-xl border border-zinc-200 bg-white p-5 shadow-sm sm:p-6 dark:border-zinc-800 dark:bg-zinc-900">
          <h1 className="text-xl font-semibold">Sign in</h1>
          <p className="mt-1 mb-5 text-sm text-zinc-600 dark:text-zinc-400">
            Use {ACCESS_LABEL} to continue to the vendor portal.
          </p>
          {wrongAccount ? (
            <div
              role="status"
              className="mb-5 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
            >
              <p>
                You are signed in as <strong>{session.email}</strong>, which cannot open this page.
                Sign in with {ACCESS_LABEL}.
              </p>
              <div className="mt-2">
                <SignOutButton />
              </div>
            </div>
          ) : null}
          <SignInForm
            callbackUrl={callbackUrl}
            initialError={error === "forbidden" ? null : signInErrorMessage(error)}
          />
        </div>
      </div>
    </main>
  );
}
