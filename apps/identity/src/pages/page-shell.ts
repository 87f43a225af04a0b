/**
 * The frame of the provider's pages, in the product's look: the same Tailwind theme as the three
 * apps (packages/ui styles.css, compiled by styles.ts) and the same card, fields and buttons as
 * their sign-in pages (packages/auth SignInScreen, packages/ui FormError and SubmitButton). Plain
 * HTML with no script, one column, large targets: usable on a phone. Every value shown is escaped.
 */

export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** Where styles.ts serves the compiled stylesheet. */
export const STYLESHEET_PATH = "/assets/agora.css";

// The same classes as packages/auth's sign-in form and packages/ui's form pieces.
export const INPUT_CLASS =
  "block min-h-11 w-full rounded-md border border-zinc-300 bg-white px-3 text-base shadow-sm outline-none focus:border-brand-500 focus:ring-2 focus:ring-brand-100 dark:border-zinc-700 dark:bg-zinc-900 dark:focus:ring-zinc-700";
const SUBMIT_CLASS =
  "min-h-11 w-full rounded-md bg-brand-600 px-4 text-base font-medium text-white hover:bg-brand-700 disabled:opacity-60";
const ERROR_CLASS =
  "rounded-md border border-rose-200 bg-rose-50 px-3 py-2 text-sm text-rose-800 dark:border-rose-900 dark:bg-rose-950/40 dark:text-rose-200";

export function field(opts: {
  id: string;
  label: string;
  type: string;
  autocomplete: string;
  value?: string;
  extra?: string;
}): string {
  const value = opts.value === undefined ? "" : ` value="${escapeHtml(opts.value)}"`;
  return `<div class="space-y-1.5">
<label for="${opts.id}" class="block text-sm font-medium">${escapeHtml(opts.label)}</label>
<input id="${opts.id}" name="${opts.id}" type="${opts.type}" autocomplete="${opts.autocomplete}" required class="${INPUT_CLASS}"${value}${opts.extra ? ` ${opts.extra}` : ""}>
</div>`;
}

export const submitButton = (label: string) =>
  `<button type="submit" class="${SUBMIT_CLASS}">${escapeHtml(label)}</button>`;

export const formError = (message: string | undefined) =>
  message ? `<p role="alert" class="${ERROR_CLASS}">${escapeHtml(message)}</p>` : "";

export function pageShell(opts: {
  title: string;
  /** The app the person came from, e.g. "Agora Ops". */
  brand: string;
  heading: string;
  intro: string;
  body: string;
}): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(opts.title)} — Agora</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main class="flex min-h-dvh items-start justify-center px-4 py-10 sm:items-center">
<div class="w-full max-w-sm">
<p class="text-lg font-semibold tracking-tight text-brand-600 dark:text-brand-500">${escapeHtml(opts.brand)}</p>
<div class="mt-4 rounded-xl border border-zinc-200 bg-white p-5 shadow-sm sm:p-6 dark:border-zinc-800 dark:bg-zinc-900">
<h1 class="text-xl font-semibold">${escapeHtml(opts.heading)}</h1>
<p class="mt-1 mb-5 text-sm text-zinc-600 dark:text-zinc-400">${opts.intro}</p>
${opts.body}
</div>
<p class="mt-4 text-xs text-zinc-500 dark:text-zinc-400">One Agora account signs you in to the shop, the vendor portal and the ops console.</p>
</div>
</main>
</body></html>`;
}
