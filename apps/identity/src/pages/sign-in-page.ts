/**
 * The provider's sign-in page: the same labels as the apps' former forms ("Email", "Password",
 * "Sign in"), so people and the e2e helpers find what they knew.
 */
import { escapeHtml, field, formError, pageShell, submitButton } from "./page-shell.ts";

export function signInPage(opts: {
  uid: string;
  clientName: string;
  email?: string;
  error?: string;
}): string {
  const uid = escapeHtml(opts.uid);
  return pageShell({
    title: "Sign in",
    brand: opts.clientName,
    heading: "Sign in",
    intro: `Use your Agora account to continue to ${escapeHtml(opts.clientName)}.`,
    body: `<form method="post" action="/interaction/${uid}/login" class="space-y-4">
${field({ id: "email", label: "Email", type: "email", autocomplete: "username", value: opts.email ?? "", extra: 'inputmode="email" autocapitalize="none" spellcheck="false"' })}
${field({ id: "password", label: "Password", type: "password", autocomplete: "current-password" })}
${formError(opts.error)}
${submitButton("Sign in")}
</form>
<p class="mt-4 text-sm text-zinc-600 dark:text-zinc-400">New to Agora? <a class="underline" href="/interaction/${uid}/signup">Create an account</a></p>`,
  });
}
