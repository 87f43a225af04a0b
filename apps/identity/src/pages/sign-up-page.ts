/** The provider's "Create an account" page (a new account is a shopper; the same labels as before). */
import { escapeHtml, field, formError, pageShell, submitButton } from "./page-shell.ts";

export function signUpPage(opts: {
  uid: string;
  clientName: string;
  name?: string;
  email?: string;
  error?: string;
}): string {
  const uid = escapeHtml(opts.uid);
  return pageShell({
    title: "Create an account",
    brand: opts.clientName,
    heading: "Create an account",
    intro: `Your cart comes with you. Already have an account? <a class="underline" href="/interaction/${uid}/login">Sign in</a>`,
    body: `<form method="post" action="/interaction/${uid}/signup" class="space-y-4">
${field({ id: "name", label: "Name", type: "text", autocomplete: "name", value: opts.name ?? "", extra: 'maxlength="100"' })}
${field({ id: "email", label: "Email", type: "email", autocomplete: "email", value: opts.email ?? "", extra: 'inputmode="email" autocapitalize="none" spellcheck="false"' })}
${field({ id: "password", label: "Password (8 characters or more)", type: "password", autocomplete: "new-password", extra: 'minlength="8"' })}
${formError(opts.error)}
${submitButton("Create account")}
</form>`,
  });
}
