import { redirect } from "next/navigation";
import type { AgoraSession } from "../session.ts";
import { safeCallbackUrl } from "./sign-in-errors.ts";
import { SignInScreen, type SignInScreenProps } from "./sign-in-screen.tsx";

export type SignInSearchParams = Promise<Record<string, string | string[] | undefined>>;

export interface SignInPageOptions extends Pick<
  SignInScreenProps,
  "brand" | "destination" | "accessLabel" | "afterSignOut"
> {
  /** The app's session of this request (its `currentSession`). */
  currentSession: () => Promise<AgoraSession | null>;
  /** Who may use the app: the same check as its proxy.ts. */
  mayUseApp: (session: AgoraSession | null) => boolean;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * An app's /signin page (`export default signInPage({...})`): someone who may already use the app
 * goes straight on to `callbackUrl`; anyone else gets the SignInScreen.
 */
export function signInPage(options: SignInPageOptions) {
  const { currentSession, mayUseApp, ...screen } = options;
  return async function SignInPage({ searchParams }: { searchParams: SignInSearchParams }) {
    const params = await searchParams;
    const callbackUrl = safeCallbackUrl(first(params.callbackUrl));
    const error = first(params.error);
    const session = await currentSession();
    if (session && mayUseApp(session) && !error) redirect(callbackUrl);
    return (
      <SignInScreen
        {...screen}
        callbackUrl={callbackUrl}
        error={error}
        wrongAccount={session !== null && !mayUseApp(session) ? session : null}
      />
    );
  };
}
