/**
 * The provider's sign-in page: the same labels as the apps' own sign-in forms ("Email",
 * "Password", "Sign in"), so the e2e sign-in helpers drive either. Plain HTML (no client script),
 * phone-friendly; every value shown is escaped.
 */
const escape = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

export function loginPage(opts: {
  uid: string;
  clientName: string;
  email?: string;
  error?: string;
}): string {
  const error = opts.error ? `<p role="alert" class="error">${escape(opts.error)}</p>` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in — Agora</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;display:flex;min-height:100vh;align-items:center;justify-content:center;background:#fafafa}
form{background:#fff;border:1px solid #e4e4e7;border-radius:8px;padding:24px;width:min(360px,90vw);display:flex;flex-direction:column;gap:12px}
label{display:flex;flex-direction:column;gap:4px;font-size:14px}
input{border:1px solid #d4d4d8;border-radius:4px;padding:8px;font-size:16px}
button{background:#18181b;color:#fff;border:0;border-radius:6px;padding:10px;font-size:15px}
.error{color:#be123c;font-size:14px;margin:0}
</style></head>
<body><form method="post" action="/interaction/${escape(opts.uid)}/login">
<h1 style="font-size:20px;margin:0">Sign in to ${escape(opts.clientName)}</h1>
${error}
<label>Email<input name="email" type="email" autocomplete="username" required value="${escape(opts.email ?? "")}"></label>
<label>Password<input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form></body></html>`;
}
