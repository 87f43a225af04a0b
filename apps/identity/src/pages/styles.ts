/**
 * The pages' stylesheet: Agora's Tailwind theme (packages/ui styles.css, the one the three apps
 * import) compiled once at start for exactly the classes the pages use, with Tailwind's own
 * compiler — so the provider looks like the apps without a second copy of the theme or a build
 * step. Served at STYLESHEET_PATH with a long cache lifetime.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { compile } from "tailwindcss";
import { signInPage } from "./sign-in-page.ts";
import { signUpPage } from "./sign-up-page.ts";

const require = createRequire(import.meta.url);

/** Every class the pages can render (each page drawn once, with an error, so none is missed). */
function candidates(): string[] {
  const sample = { uid: "x", clientName: "Agora", error: "x", email: "x", name: "x" };
  const html = signInPage(sample) + signUpPage(sample);
  const classes = new Set<string>();
  for (const m of html.matchAll(/class="([^"]*)"/g))
    for (const c of m[1]!.split(/\s+/)) if (c) classes.add(c);
  return [...classes];
}

async function stylesheet(path: string) {
  return { path, base: dirname(path), content: await readFile(path, "utf8") };
}

export async function compilePageStyles(): Promise<string> {
  const theme = require.resolve("@agora/ui/styles.css");
  const compiler = await compile(await readFile(theme, "utf8"), {
    base: dirname(theme),
    loadStylesheet: (id, base) =>
      stylesheet(
        id === "tailwindcss" ? require.resolve("tailwindcss/index.css") : resolve(base, id),
      ),
  });
  return compiler.build(candidates());
}
