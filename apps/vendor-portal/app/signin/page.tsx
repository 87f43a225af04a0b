import { SignInScreen, safeCallbackUrl } from "@agora/auth/react";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ACCESS_LABEL, mayUseApp } from "../../src/auth/config.ts";
import { currentSession } from "../../src/auth/session.ts";

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
  return (
    <SignInScreen
      brand="Agora Vendors"
      destination="the vendor portal"
      accessLabel={ACCESS_LABEL}
      callbackUrl={callbackUrl}
      error={error}
      wrongAccount={session !== null && !mayUseApp(session) ? session : null}
      afterSignOut="/signin"
    />
  );
}
